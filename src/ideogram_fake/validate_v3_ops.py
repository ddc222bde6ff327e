"""The Ideogram 3.0 image-input routes: inpaint (and its /edit alias), remix, reframe,
replace-background (docs/ideogram-api.md §5).

All multipart with flat fields, the style fields shared with V3 generate. What each route takes
is data below; the fields the reference says a route does *not* take (reframe: no
``magic_prompt``, ``negative_prompt``, ``style_type``, character references; replace-background:
no ``style_type``, no character references) are refused even in lenient mode, because the
real API would refuse or misread them. Output sizes: inpaint and replace-background keep the
input's size, remix follows generate's ``resolution``/``aspect_ratio`` rules, reframe renders
the asked ``resolution``.
"""

from __future__ import annotations

from ideogram_fake.config import FakeConfig
from ideogram_fake.validate import (
    V3_FILES,
    Fields,
    Request,
    bad,
    clean,
    count_and_seed,
    enum_value,
    integer,
    one,
    prompt_text,
    shapes,
    v3_looks,
    v3_size,
)
from ideogram_fake.validate_uploads import read_uploads, same_size, single, source_of, unsafe
from ideovault.api import enums

INPAINT = enums.OPERATION_ENDPOINTS["edit"]["v3"]
EDIT_ALIAS = enums.V3_EDIT_ALIAS
REMIX = enums.OPERATION_ENDPOINTS["remix"]["v3"]
REFRAME = enums.OPERATION_ENDPOINTS["reframe"]["v3"]
REPLACE_BACKGROUND = enums.OPERATION_ENDPOINTS["replace-background"]["v3"]

CHARACTER = frozenset({"character_reference_images", "character_reference_images_mask"})
_LOOKS = frozenset(
    {"num_images", "seed", "rendering_speed", "style_preset", "color_palette", "style_codes",
     "style_reference_images"}
)  # fmt: skip
INPAINT_FIELDS = _LOOKS | CHARACTER | {"image", "mask", "prompt", "magic_prompt", "style_type"}
REMIX_FIELDS = (
    _LOOKS
    | CHARACTER
    | {"image", "prompt", "image_weight", "resolution", "aspect_ratio", "magic_prompt",
       "negative_prompt", "style_type"}
)  # fmt: skip
REFRAME_FIELDS = _LOOKS | {"image", "resolution"}
REFRAME_REFUSED = CHARACTER | {"magic_prompt", "negative_prompt", "style_type"}
REPLACE_FIELDS = _LOOKS | {"image", "prompt", "magic_prompt"}
REPLACE_REFUSED = CHARACTER | {"style_type"}
FILES = V3_FILES | {"image", "mask"}


def _fields(
    fields: Fields,
    route: str,
    known: frozenset[str],
    config: FakeConfig,
    refused: frozenset[str] = frozenset(),
) -> Fields:
    fields = clean(fields)
    shapes(
        fields, route=route, known=known, files=FILES, strict=config.strict_fields,
        forbidden=refused,
    )  # fmt: skip
    return {name: values for name, values in fields.items() if name in known}


def inpaint(fields: Fields, text: bool, config: FakeConfig, route: str = INPAINT) -> Request:
    """``/v1/ideogram-v3/inpaint`` and ``/edit``: mask the same size as the image."""
    fields = _fields(fields, route, INPAINT_FIELDS, config)
    prompt = prompt_text(one(fields, "prompt"))
    style, magic = v3_looks(fields, text=text)
    num_images, seed = count_and_seed(one(fields, "num_images"), one(fields, "seed"), text=text)
    uploads = read_uploads(fields, config)
    image, mask = single(uploads, "image"), single(uploads, "mask")
    same_size(image, mask)
    return Request(
        route=route, prompt=prompt, model=enums.V3_MODEL, num_images=num_images, seed=seed,
        resolution=image.resolution, magic_prompt=magic, style_type=style or "GENERAL",
        source=source_of(image, mask), unsafe_upload=unsafe(uploads, config),
    )  # fmt: skip


def remix(fields: Fields, text: bool, config: FakeConfig) -> Request:
    """``/v1/ideogram-v3/remix``: ``image_weight`` 1 to 100; sizes as V3 generate."""
    fields = _fields(fields, REMIX, REMIX_FIELDS, config)
    prompt = prompt_text(one(fields, "prompt"))
    if one(fields, "image_weight") is not None:
        integer(one(fields, "image_weight"), "image_weight", 1, 100, text=text)
    size = v3_size(fields)
    style, magic = v3_looks(fields, text=text)
    num_images, seed = count_and_seed(one(fields, "num_images"), one(fields, "seed"), text=text)
    uploads = read_uploads(fields, config)
    image = single(uploads, "image")
    return Request(
        route=REMIX, prompt=prompt, model=enums.V3_MODEL, num_images=num_images, seed=seed,
        resolution=size, magic_prompt=magic, style_type=style or "GENERAL",
        source=source_of(image), unsafe_upload=unsafe(uploads, config),
    )  # fmt: skip


def reframe(fields: Fields, text: bool, config: FakeConfig) -> Request:
    """``/v1/ideogram-v3/reframe``: a ``resolution`` (V3 list) is required; no prompt."""
    fields = _fields(fields, REFRAME, REFRAME_FIELDS, config, REFRAME_REFUSED)
    if one(fields, "resolution") is None:
        raise bad(f"resolution is required for {REFRAME}")
    size = enum_value(one(fields, "resolution"), "resolution", enums.V3_RESOLUTIONS)
    v3_looks(fields, text=text)
    num_images, seed = count_and_seed(one(fields, "num_images"), one(fields, "seed"), text=text)
    uploads = read_uploads(fields, config)
    image = single(uploads, "image")
    if image.width != image.height:
        raise bad(f"image must be square for {REFRAME}, not {image.resolution}")
    return Request(
        route=REFRAME, prompt="", model=enums.V3_MODEL, num_images=num_images, seed=seed,
        resolution=size, magic_prompt="OFF", style_type=None, caption="",
        source=source_of(image), unsafe_upload=unsafe(uploads, config),
    )  # fmt: skip


def replace_background(fields: Fields, text: bool, config: FakeConfig) -> Request:
    """``/v1/ideogram-v3/replace-background``: the prompt describes the new background."""
    fields = _fields(fields, REPLACE_BACKGROUND, REPLACE_FIELDS, config, REPLACE_REFUSED)
    prompt = prompt_text(one(fields, "prompt"))
    _style, magic = v3_looks(fields, text=text)
    num_images, seed = count_and_seed(one(fields, "num_images"), one(fields, "seed"), text=text)
    uploads = read_uploads(fields, config)
    image = single(uploads, "image")
    return Request(
        route=REPLACE_BACKGROUND, prompt=prompt, model=enums.V3_MODEL, num_images=num_images,
        seed=seed, resolution=image.resolution, magic_prompt=magic, style_type=None,
        source=source_of(image), unsafe_upload=unsafe(uploads, config),
    )  # fmt: skip
