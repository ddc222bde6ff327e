"""The legacy image-input routes: /remix, /upscale, /edit, /reframe, /describe (§4).

Two body shapes, as the reference documents them: /remix and /upscale take a file part
``image_file`` and a part ``image_request`` holding a JSON object *as text* (so its values are
typed JSON: ``"num_images": "2"`` is a 400); /edit, /reframe and /describe take flat multipart
fields (everything is text). Every validator here reads and decodes the uploads (Pillow), so
the routes call them from a worker thread. Each returns what the answer needs, with
``source`` set so that the output pixels depend on the uploaded image.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from ideogram_fake.config import FakeConfig
from ideogram_fake.validate import (
    LEGACY_FIELDS,
    Fields,
    Request,
    bad,
    clean,
    count_and_seed,
    enum_value,
    integer,
    legacy_request,
    legacy_size,
    legacy_style,
    one,
    prompt_text,
    shapes,
    string,
    unknown_fields,
)
from ideogram_fake.validate_uploads import (
    Upload,
    read_uploads,
    same_size,
    single,
    source_of,
    unsafe,
)
from ideovault.api import enums

REMIX = enums.OPERATION_ENDPOINTS["remix"]["legacy"]
UPSCALE = enums.OPERATION_ENDPOINTS["upscale"]["legacy"]
EDIT = enums.OPERATION_ENDPOINTS["edit"]["legacy"]
REFRAME = enums.OPERATION_ENDPOINTS["reframe"]["legacy"]
DESCRIBE = enums.OPERATION_ENDPOINTS["describe"]["legacy"]

IMAGE_FILE = frozenset({"image_file"})
WRAPPED_FIELDS = frozenset({"image_file", "image_request"})
REMIX_FIELDS = LEGACY_FIELDS | {"image_weight"}
UPSCALE_FIELDS = frozenset(
    {"prompt", "resemblance", "detail", "magic_prompt_option", "num_images", "seed"}
)
EDIT_FIELDS = frozenset(
    {"image_file", "mask", "prompt", "model", "magic_prompt_option", "num_images", "seed",
     "style_type"}
)  # fmt: skip
REFRAME_FIELDS = frozenset(
    {"image_file", "resolution", "model", "num_images", "seed", "style_type"}
)
DESCRIBE_FIELDS = frozenset({"image_file", "describe_model_version"})
DEFAULT_DESCRIBE_VERSION = "V_3"
UPSCALE_FACTOR = 2  # outputs are 2x the input on each side (§4: "roughly 2x", uncertain)
# The fake's own limit: 2x a bigger input would take seconds to render and tens of MB a PNG.
MAX_UPSCALE_INPUT_SIDE = 4096


def _fields(
    fields: Fields, route: str, known: frozenset[str], files: frozenset[str], strict: bool
) -> Fields:
    """Checked field shapes (legacy routes repeat nothing); unknown ones dropped when lenient."""
    fields = clean(fields)
    shapes(fields, route=route, known=known, files=files, strict=strict, arrays=frozenset())
    return {name: values for name, values in fields.items() if name in known}


def _image_request(fields: Fields, route: str) -> dict[str, Any]:
    """The ``image_request`` part: a JSON object sent as text (nulls count as absent)."""
    raw = one(fields, "image_request")
    if raw is None:
        raise bad(f"image_request is required for {route} (a JSON object as text)")
    try:
        body = json.loads(raw)
    except ValueError:
        raise bad("image_request must be a JSON object sent as text") from None
    if not isinstance(body, dict):
        raise bad("image_request must be a JSON object sent as text")
    return {k: v for k, v in body.items() if v is not None}


def _with_image(req: Request, uploads: dict[str, list[Upload]], config: FakeConfig,
                *images: Upload) -> Request:  # fmt: skip
    return dataclasses.replace(
        req, source=source_of(*images), unsafe_upload=unsafe(uploads, config)
    )


def remix(fields: Fields, text: bool, config: FakeConfig) -> Request:
    """``POST /remix``: the /generate fields plus ``image_weight``; sizes as /generate."""
    del text  # always multipart; the JSON inside image_request is typed
    fields = _fields(fields, REMIX, WRAPPED_FIELDS, IMAGE_FILE, config.strict_fields)
    inner = _image_request(fields, REMIX)
    if "image_weight" in inner:
        integer(inner["image_weight"], "image_weight", 1, 100, text=False)
    req = legacy_request(inner, route=REMIX, known=REMIX_FIELDS, strict=config.strict_fields)
    uploads = read_uploads(fields, config)
    return _with_image(req, uploads, config, single(uploads, "image_file"))


def upscale(fields: Fields, text: bool, config: FakeConfig) -> Request:
    """``POST /upscale``: items report the input size and ``upscaled_resolution`` (2x)."""
    del text
    fields = _fields(fields, UPSCALE, WRAPPED_FIELDS, IMAGE_FILE, config.strict_fields)
    inner = _image_request(fields, UPSCALE)
    if config.strict_fields:
        unknown_fields(set(inner), UPSCALE_FIELDS, "image_request")
    prompt = inner.get("prompt")
    if prompt is not None:
        string(prompt, "prompt")
    for name in ("resemblance", "detail"):
        if name in inner:
            integer(inner[name], name, 1, 100, text=False)
    magic = inner.get("magic_prompt_option")
    if magic is not None:
        enum_value(magic, "magic_prompt_option", enums.MAGIC_PROMPT)
    num_images, seed = count_and_seed(inner.get("num_images"), inner.get("seed"), text=False)
    uploads = read_uploads(fields, config)
    image = single(uploads, "image_file")
    if max(image.width, image.height) > MAX_UPSCALE_INPUT_SIDE:
        raise bad(
            f"image_file is {image.resolution}; the fake upscales images of at most "
            f"{MAX_UPSCALE_INPUT_SIDE} pixels a side"
        )
    req = Request(
        route=UPSCALE,
        prompt=prompt or "",
        model=enums.UPSCALE_MODEL,
        num_images=num_images,
        seed=seed,
        resolution=image.resolution,
        magic_prompt=magic,
        style_type=None,
        upscaled_resolution=f"{image.width * UPSCALE_FACTOR}x{image.height * UPSCALE_FACTOR}",
        caption=None if prompt else "",
    )
    return _with_image(req, uploads, config, image)


def edit(fields: Fields, text: bool, config: FakeConfig) -> Request:
    """``POST /edit``: mask inpainting at the input's size; only V_2 and V_2_TURBO."""
    files = frozenset({"image_file", "mask"})
    fields = _fields(fields, EDIT, EDIT_FIELDS, files, config.strict_fields)
    prompt = prompt_text(one(fields, "prompt"))
    if one(fields, "model") is None:
        raise bad(f"model is required for {EDIT} (V_2 or V_2_TURBO)")
    model = enum_value(one(fields, "model"), "model", enums.LEGACY_EDIT_MODELS)
    style = legacy_style(one(fields, "style_type"), model)
    magic = one(fields, "magic_prompt_option")
    if magic is not None:
        enum_value(magic, "magic_prompt_option", enums.MAGIC_PROMPT)
    num_images, seed = count_and_seed(one(fields, "num_images"), one(fields, "seed"), text=text)
    uploads = read_uploads(fields, config)
    image, mask = single(uploads, "image_file"), single(uploads, "mask")
    same_size(image, mask)
    req = Request(
        route=EDIT,
        prompt=prompt,
        model=model,
        num_images=num_images,
        seed=seed,
        resolution=image.resolution,
        magic_prompt=magic,
        style_type=style or "AUTO",
    )
    return _with_image(req, uploads, config, image, mask)


def reframe(fields: Fields, text: bool, config: FakeConfig) -> Request:
    """``POST /reframe``: a square input, output at the asked legacy resolution; no prompt."""
    fields = _fields(fields, REFRAME, REFRAME_FIELDS, IMAGE_FILE, config.strict_fields)
    for required in ("model", "resolution"):
        if one(fields, required) is None:
            raise bad(f"{required} is required for {REFRAME}")
    model = enum_value(one(fields, "model"), "model", (*enums.LEGACY_MODELS, "AUTO"))
    size = legacy_size(one(fields, "resolution"), model)
    style = legacy_style(one(fields, "style_type"), model)
    num_images, seed = count_and_seed(one(fields, "num_images"), one(fields, "seed"), text=text)
    uploads = read_uploads(fields, config)
    image = single(uploads, "image_file")
    if image.width != image.height:
        raise bad(f"image_file must be square for {REFRAME}, not {image.resolution}")
    req = Request(
        route=REFRAME,
        prompt="",
        model=model,
        num_images=num_images,
        seed=seed,
        resolution=size,
        magic_prompt="OFF",
        style_type=style or "AUTO",
        caption="",
    )
    return _with_image(req, uploads, config, image)


def describe(fields: Fields, text: bool, config: FakeConfig) -> tuple[Upload, str, bool]:
    """``POST /describe``: the image, the model version (default V_3), and whether unsafe."""
    del text
    fields = _fields(fields, DESCRIBE, DESCRIBE_FIELDS, IMAGE_FILE, config.strict_fields)
    version = one(fields, "describe_model_version") or DEFAULT_DESCRIBE_VERSION
    enum_value(version, "describe_model_version", enums.DESCRIBE_MODEL_VERSIONS)
    uploads = read_uploads(fields, config)
    return single(uploads, "image_file"), version, unsafe(uploads, config)
