"""The Ideogram 4.0 routes: generate (multipart or JSON; its async twin takes the same body),
remix and describe (multipart), magic-prompt (JSON) (§6.1, §6.3).

What differs from V3, and why the fake is strict about it:

- exactly one of ``text_prompt`` (Magic Prompt always on: the answer's ``prompt`` is a long JSON
  caption) or ``json_prompt`` (a V4JsonPrompt object, used verbatim) — both or neither is a 400;
- ``rendering_speed`` TURBO, DEFAULT or QUALITY; FLASH is a 400 ("coming soon") on every V4
  route, which a client must learn before it spends money, not after;
- no ``num_images``, ``negative_prompt``, style, palette or character fields: refused even in
  lenient mode, since silently ignoring them would hide a client bug;
- one image per call, items without ``style_type``, and ``"response_type": "url"``;
- ``seed`` is hidden in the server spec (uncertain): honoured when given.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from ideogram_fake.captions import v4_caption
from ideogram_fake.config import FakeConfig
from ideogram_fake.validate import (
    Fields,
    Request,
    bad,
    boolean,
    clean,
    count_and_seed,
    enum_value,
    integer,
    one,
    prompt_text,
    shapes,
    string,
    unknown_fields,
)
from ideogram_fake.validate_uploads import Upload, read_uploads, single, source_of, unsafe
from ideovault.api import enums

GENERATE = enums.V4_ENDPOINT
REMIX = enums.OPERATION_ENDPOINTS["remix"]["v4"]
GENERATE_FIELDS = frozenset(
    {"text_prompt", "json_prompt", "resolution", "rendering_speed", "enable_copyright_detection",
     "seed"}
)  # fmt: skip
REMIX_FIELDS = frozenset(
    {"image", "text_prompt", "image_weight", "resolution", "rendering_speed",
     "enable_copyright_detection", "seed"}
)  # fmt: skip
REFUSED = frozenset(
    {"num_images", "negative_prompt", "magic_prompt", "aspect_ratio", "style_type", "style_codes",
     "style_preset", "color_palette", "style_reference_images", "character_reference_images",
     "character_reference_images_mask"}
)  # fmt: skip
FLASH_MESSAGE = (
    "rendering_speed FLASH is coming soon for Ideogram 4.0; use TURBO, DEFAULT or QUALITY"
)
_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_COMPACT: dict[str, Any] = {"separators": (",", ":"), "ensure_ascii": False}
_TWO_K_PIXELS = 3_500_000  # the 2K class of V4 sizes is about 4 MP, the 1K class about 1 MP


def _fields(fields: Fields, route: str, known: frozenset[str], config: FakeConfig) -> Fields:
    fields = clean(fields)
    shapes(
        fields, route=route, known=known, files=frozenset({"image"}),
        strict=config.strict_fields, forbidden=REFUSED, arrays=frozenset(),
    )  # fmt: skip
    return {name: values for name, values in fields.items() if name in known}


def _speed(fields: Fields) -> None:
    speed = one(fields, "rendering_speed")
    if speed == "FLASH":
        raise bad(FLASH_MESSAGE)
    if speed is not None:
        enum_value(speed, "rendering_speed", enums.V4_RENDERING_SPEEDS)


def _common(fields: Fields, *, text: bool) -> int | None:
    """Speed, copyright switch and the hidden seed; returns the seed."""
    _speed(fields)
    flag = one(fields, "enable_copyright_detection")
    if flag is not None:
        boolean(flag, "enable_copyright_detection", text=text)
    return count_and_seed(None, one(fields, "seed"), text=text)[1]


def _palette(value: Any, where: str) -> None:
    if not isinstance(value, list) or not all(
        isinstance(c, str) and _HEX_COLOUR.fullmatch(c) for c in value
    ):
        raise bad(f"{where} must be a list of colours like #RRGGBB")


def _element(element: Any, index: int) -> None:
    where = f"json_prompt.compositional_deconstruction.elements[{index}]"
    if not isinstance(element, dict) or element.get("type") not in ("obj", "text"):
        raise bad(f"{where} must be an object whose type is 'obj' or 'text'")
    string(element.get("desc"), f"{where}.desc")
    if element["type"] == "text":
        string(element.get("text"), f"{where}.text")
    bbox = element.get("bbox")
    if bbox is not None and not (
        isinstance(bbox, list)
        and len(bbox) == 4
        and all(isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= 1000 for n in bbox)
    ):
        raise bad(f"{where}.bbox must be four integers from 0 to 1000 [y0, x0, y1, x1]")
    if element.get("color_palette") is not None:
        _palette(element["color_palette"], f"{where}.color_palette")


def json_prompt(value: Any, *, text: bool) -> dict[str, Any]:
    """A V4JsonPrompt (§6.2): multipart sends it as JSON text, a JSON body as an object."""
    if isinstance(value, str) and text:
        try:
            value = json.loads(value)
        except ValueError:
            raise bad("json_prompt must be a JSON object") from None
    if not isinstance(value, dict):
        raise bad("json_prompt must be a JSON object")
    description = value.get("high_level_description")
    if not isinstance(description, str) or not description.strip():
        raise bad("json_prompt.high_level_description is required (1-2 sentences)")
    style = value.get("style_description")
    if style is not None:
        if not isinstance(style, dict):
            raise bad("json_prompt.style_description must be an object")
        for key, item in style.items():
            if key == "color_palette":
                _palette(item, "json_prompt.style_description.color_palette")
            else:
                string(item, f"json_prompt.style_description.{key}")
    composition = value.get("compositional_deconstruction")
    if not isinstance(composition, dict):
        raise bad("json_prompt.compositional_deconstruction is required (an object)")
    background = composition.get("background")
    if not isinstance(background, str) or not background.strip():
        raise bad("json_prompt.compositional_deconstruction.background is required")
    elements = composition.get("elements", [])
    if not isinstance(elements, list):
        raise bad("json_prompt.compositional_deconstruction.elements must be a list")
    for index, element in enumerate(elements):
        _element(element, index)
    return value


def generate(fields: Fields, text: bool, config: FakeConfig) -> Request:
    """``POST /v1/ideogram-v4/generate``: one image, at ``resolution`` or 2048x2048."""
    fields = _fields(fields, GENERATE, GENERATE_FIELDS, config)
    has_text, has_json = "text_prompt" in fields, "json_prompt" in fields
    if has_text == has_json:
        raise bad("send exactly one of text_prompt or json_prompt")
    size = enums.V4_DEFAULT_RESOLUTION
    if one(fields, "resolution") is not None:
        size = enum_value(one(fields, "resolution"), "resolution", enums.V4_RESOLUTIONS)
    seed = _common(fields, text=text)
    if has_text:
        prompt = prompt_text(one(fields, "text_prompt"))
        caption = v4_caption(prompt)
    else:
        caption = json.dumps(json_prompt(one(fields, "json_prompt"), text=text), **_COMPACT)
        prompt = caption
    return Request(
        route=GENERATE, prompt=prompt, model=enums.V4_MODEL, num_images=1, seed=seed,
        resolution=size, magic_prompt=None, style_type=None, caption=caption,
        response_type="url",
    )  # fmt: skip


def remix(fields: Fields, text: bool, config: FakeConfig) -> Request:
    """``POST /v1/ideogram-v4/remix``: without ``resolution`` the 2K size nearest the input's
    shape (the reference says the model chooses)."""
    fields = _fields(fields, REMIX, REMIX_FIELDS, config)
    prompt = prompt_text(one(fields, "text_prompt"))
    if one(fields, "image_weight") is not None:
        integer(one(fields, "image_weight"), "image_weight", 1, 100, text=text)
    resolution = one(fields, "resolution")
    if resolution is not None:
        enum_value(resolution, "resolution", enums.V4_RESOLUTIONS)
    seed = _common(fields, text=text)
    uploads = read_uploads(fields, config)
    image = single(uploads, "image")
    size = resolution or nearest_v4_size(image.width, image.height)
    return Request(
        route=REMIX, prompt=prompt, model=enums.V4_MODEL, num_images=1, seed=seed,
        resolution=size, magic_prompt=None, style_type=None, caption=v4_caption(prompt),
        response_type="url", source=source_of(image), unsafe_upload=unsafe(uploads, config),
    )  # fmt: skip


def nearest_v4_size(width: int, height: int) -> str:
    """The 2K-class V4 size whose shape is closest to ``width`` x ``height``."""
    wanted = math.log(width / height)

    def distance(size: str) -> float:
        w, h = (int(side) for side in size.split("x"))
        return abs(math.log(w / h) - wanted)

    big = [s for s in enums.V4_RESOLUTIONS if math.prod(map(int, s.split("x"))) > _TWO_K_PIXELS]
    return min(big, key=distance)


DESCRIBE = enums.OPERATION_ENDPOINTS["describe"]["v4"]
DESCRIBE_SWITCHES = ("include_bbox", "include_style_descriptions", "include_tags")
DESCRIBE_FIELDS = frozenset({"image_file", *DESCRIBE_SWITCHES})
MAGIC_PROMPT_FIELDS = frozenset({"text_prompt", "aspect_ratio"})


def describe(
    fields: Fields, text: bool, config: FakeConfig
) -> tuple[Upload, dict[str, bool], bool]:
    """``POST /v1/ideogram-v4/describe``: the image, the three switches (bbox on by default),
    and whether the upload is unsafe."""
    fields = clean(fields)
    shapes(
        fields, route=DESCRIBE, known=DESCRIBE_FIELDS, files=frozenset({"image_file"}),
        strict=config.strict_fields, arrays=frozenset(),
    )  # fmt: skip
    switches = {name: name == "include_bbox" for name in DESCRIBE_SWITCHES}
    for name in DESCRIBE_SWITCHES:
        if one(fields, name) is not None:
            switches[name] = boolean(one(fields, name), name, text=text)
    known = {name: values for name, values in fields.items() if name in DESCRIBE_FIELDS}
    uploads = read_uploads(known, config)
    return single(uploads, "image_file"), switches, unsafe(uploads, config)


def magic_prompt(body: Any, config: FakeConfig) -> tuple[str, str]:
    """``POST /v1/ideogram-v4/magic-prompt`` (JSON): the text and the ratio (default AUTO)."""
    if not isinstance(body, dict):
        raise bad("the JSON body must be an object")
    body = {k: v for k, v in body.items() if v is not None}
    if config.strict_fields:
        unknown_fields(set(body), MAGIC_PROMPT_FIELDS, enums.V4_MAGIC_PROMPT_ENDPOINT)
    text = body.get("text_prompt")
    if not isinstance(text, str) or not text.strip():
        raise bad("text_prompt is required and must be a non-empty string")
    ratio = enum_value(
        body.get("aspect_ratio", "AUTO"), "aspect_ratio", enums.V4_MAGIC_PROMPT_ASPECTS
    )
    return text, ratio
