"""The fake's image tools (its newer /v1 routes): generate-transparent, remove-background,
layerize-text and edit by instruction (``/v1/edit``) (docs/ideogram-api.md §2.2, §5, §7).

Independent of the client's rules, like every validator here. What the reference says a route
does not take is refused even in lenient mode (generate-transparent: ``resolution`` and FLASH;
remove-background: anything but the image; ``/v1/edit``: the singular ``image`` a client might
send by mistake), because the real API would refuse it or ignore it while still billing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

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
    show,
    string,
    v3_size,
)
from ideogram_fake.validate_uploads import Upload, read_uploads, single, source_of, unsafe
from ideovault.api import enums

TRANSPARENT = enums.OPERATION_ENDPOINTS["generate-transparent"]["v3"]
REMOVE_BACKGROUND = enums.OPERATION_ENDPOINTS["remove-background"]["v3"]
LAYERIZE = enums.OPERATION_ENDPOINTS["layerize-text"]["v3"]
INSTRUCT = enums.OPERATION_ENDPOINTS["instruct"]["v3"]

TRANSPARENT_FIELDS = frozenset(
    {"prompt", "seed", "upscale_factor", "aspect_ratio", "rendering_speed", "magic_prompt",
     "negative_prompt", "num_images"}
)  # fmt: skip
TRANSPARENT_REFUSED = frozenset({"resolution"})
REMOVE_FIELDS = frozenset({"image"})
REMOVE_REFUSED = frozenset({"prompt", "seed", "num_images", "magic_prompt", "rendering_speed"})
LAYERIZE_FIELDS = frozenset({"image", "prompt", "seed"})
LAYERIZE_REFUSED = frozenset({"num_images", "magic_prompt", "rendering_speed"})
INSTRUCT_FIELDS = frozenset(
    {"prompt", "images", "image_urls", "num_images", "seed", "magic_prompt", "resolution",
     "aspect_ratio", "transparent_background"}
)  # fmt: skip
INSTRUCT_REFUSED = frozenset({"image", "image_file"})
INSTRUCT_ARRAYS = frozenset({"images", "image_urls"})
MAX_URL_CHARS = 2048


@dataclass(frozen=True)
class ImageInput:
    """A valid call of a route that answers in its own shape (remove-background, layerize)."""

    image: Upload
    prompt: str
    seed: int | None
    unsafe_upload: bool


def transparent(fields: Fields, text: bool, config: FakeConfig) -> Request:
    """``/v1/ideogram-v3/generate-transparent``: a ratio (no resolution), an upscale factor,
    never FLASH. ``resolution`` answers the pre-upscale size, ``upscaled_resolution`` (when
    the factor is not X1) the final one; the PNGs are RGBA at the final size (§5 notes)."""
    fields = clean(fields)
    shapes(
        fields, route=TRANSPARENT, known=TRANSPARENT_FIELDS, files=frozenset(),
        strict=config.strict_fields, forbidden=TRANSPARENT_REFUSED,
    )  # fmt: skip
    prompt = prompt_text(one(fields, "prompt"))
    size = v3_size(fields)
    factor = one(fields, "upscale_factor")
    factor = "X1" if factor is None else enum_value(factor, "upscale_factor", enums.UPSCALE_FACTORS)
    speed = one(fields, "rendering_speed")
    if speed == "FLASH":
        raise bad(f"rendering_speed FLASH is not supported by {TRANSPARENT}")
    if speed is not None:
        enum_value(speed, "rendering_speed", enums.RENDERING_SPEEDS)
    magic = one(fields, "magic_prompt")
    if magic is not None:
        enum_value(magic, "magic_prompt", enums.MAGIC_PROMPT)
    if one(fields, "negative_prompt") is not None:
        string(one(fields, "negative_prompt"), "negative_prompt")
    num_images, seed = count_and_seed(one(fields, "num_images"), one(fields, "seed"), text=text)
    times = int(factor[1:])
    width, height = (int(side) * times for side in size.split("x"))
    return Request(
        route=TRANSPARENT, prompt=prompt, model=enums.V3_MODEL, num_images=num_images,
        seed=seed, resolution=size, magic_prompt=magic, style_type=None,
        upscaled_resolution=None if times == 1 else f"{width}x{height}", alpha=True,
    )  # fmt: skip


def remove_background(fields: Fields, text: bool, config: FakeConfig) -> ImageInput:
    """``/v1/remove-background``: the ``image`` file and nothing else."""
    fields = clean(fields)
    shapes(
        fields, route=REMOVE_BACKGROUND, known=REMOVE_FIELDS, files=REMOVE_FIELDS,
        strict=config.strict_fields, forbidden=REMOVE_REFUSED,
    )  # fmt: skip
    uploads = read_uploads({k: v for k, v in fields.items() if k in REMOVE_FIELDS}, config)
    return ImageInput(single(uploads, "image"), "", None, unsafe(uploads, config))


def layerize(fields: Fields, text: bool, config: FakeConfig) -> ImageInput:
    """``/v1/ideogram-v3/layerize-text``: the ``image``, an optional ``prompt`` and ``seed``."""
    fields = clean(fields)
    shapes(
        fields, route=LAYERIZE, known=LAYERIZE_FIELDS, files=frozenset({"image"}),
        strict=config.strict_fields, forbidden=LAYERIZE_REFUSED,
    )  # fmt: skip
    prompt = one(fields, "prompt")
    prompt = "" if prompt is None else string(prompt, "prompt")
    seed = one(fields, "seed")
    seed = None if seed is None else integer(seed, "seed", 0, enums.MAX_SEED, text=text)
    uploads = read_uploads({k: v for k, v in fields.items() if k == "image"}, config)
    return ImageInput(single(uploads, "image"), prompt, seed, unsafe(uploads, config))


def instruct(fields: Fields, text: bool, config: FakeConfig) -> Request:
    """``/v1/edit``: a prompt and 1 to 10 inputs, as ``images`` files and/or ``image_urls``;
    the output has the asked size, else the first file's (1024x1024 for links only)."""
    fields = clean(fields)
    shapes(
        fields, route=INSTRUCT, known=INSTRUCT_FIELDS, files=frozenset({"images"}),
        strict=config.strict_fields, forbidden=INSTRUCT_REFUSED, arrays=INSTRUCT_ARRAYS,
    )  # fmt: skip
    prompt = prompt_text(one(fields, "prompt"))
    urls = [_link(value) for value in fields.get("image_urls", [])]
    count = len(fields.get("images", [])) + len(urls)
    if count == 0:
        raise bad(f"images (files) or image_urls is required for {INSTRUCT}")
    if count > enums.MAX_INSTRUCT_IMAGES:
        raise bad(f"at most {enums.MAX_INSTRUCT_IMAGES} input images, not {count}")
    magic = one(fields, "magic_prompt")
    if magic is not None:
        enum_value(magic, "magic_prompt", enums.MAGIC_PROMPT)
    clear = one(fields, "transparent_background")
    clear = False if clear is None else boolean(clear, "transparent_background", text=text)
    num_images, seed = count_and_seed(one(fields, "num_images"), one(fields, "seed"), text=text)
    uploads = read_uploads({k: v for k, v in fields.items() if k == "images"}, config)
    images = uploads.get("images", [])
    size = v3_size(fields, default=images[0].resolution if images else "1024x1024")
    linked = hashlib.sha256("\n".join(urls).encode()).hexdigest()[:32] if urls else ""
    return Request(
        route=INSTRUCT, prompt=prompt, model=enums.INSTRUCT_MODEL, num_images=num_images,
        seed=seed, resolution=size, magic_prompt=magic, style_type=None,
        source=source_of(*images) + linked, unsafe_upload=unsafe(uploads, config), alpha=clear,
    )  # fmt: skip


def _link(value: object) -> str:
    """An ``image_urls`` entry: an http(s) link (the API takes Ideogram-hosted ones)."""
    if not isinstance(value, str) or not value.startswith(("https://", "http://")):
        raise bad(f"image_urls entries must be http(s) links, not {show(value)}")
    if len(value) > MAX_URL_CHARS:
        raise bad(f"an image_urls entry is longer than {MAX_URL_CHARS} characters")
    return value
