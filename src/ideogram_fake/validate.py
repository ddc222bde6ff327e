"""Request validation as the real server does it: wrong input is a 400 with a reason.

Independent of the client's own validation (``api/params.py``) on purpose: the fake must catch
what a buggy client would send. It shares only the enum lists, which are data. Values arrive in
two shapes: JSON (typed: an integer must be a JSON integer) and multipart (everything is text:
``"42"`` is an integer, ``"true"`` a boolean, ``color_palette`` is JSON text).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from ideovault.api import enums


class FakeError(Exception):
    """An error answer: HTTP status and a JSON body ``{"error": ..., **extra}``."""

    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {"error": message, **extra}


@dataclass(frozen=True)
class FilePart:
    """An uploaded file in a multipart request; ``data`` is empty when it was too big to read."""

    filename: str
    size: int
    data: bytes = b""
    content_type: str = ""


@dataclass(frozen=True)
class Request:
    """A validated request that makes images: what the answer needs.

    The fields after ``style_type`` are for the image operations (remix, edit, upscale, V4 …):
    ``style_type`` None leaves it out of the items (V4, upscale, reframe), ``caption`` replaces
    the Magic Prompt echo (V4's JSON caption, or "" for a route without a prompt), ``source``
    makes the pixels depend on the uploaded image, ``unsafe_upload`` answers 422 like the real
    safety check on input images, ``alpha`` makes the PNGs RGBA.
    """

    route: str
    prompt: str
    model: str
    num_images: int
    seed: int | None
    resolution: str
    magic_prompt: str | None
    style_type: str | None
    upscaled_resolution: str | None = None
    caption: str | None = None
    source: str = ""
    response_type: str | None = None
    unsafe_upload: bool = False
    alpha: bool = False  # RGBA PNGs: generate-transparent, /v1/edit's transparent background


Fields = dict[str, list[Any]]  # a request's fields, each as a list (multipart repeats arrays)

LEGACY_FIELDS = frozenset(
    {"prompt", "model", "aspect_ratio", "resolution", "magic_prompt_option", "seed",
     "style_type", "negative_prompt", "num_images", "color_palette"}
)  # fmt: skip
V3_FIELDS = frozenset(
    {"prompt", "seed", "resolution", "aspect_ratio", "rendering_speed", "magic_prompt",
     "negative_prompt", "num_images", "color_palette", "style_codes", "style_type",
     "style_preset", "custom_model_uri", "style_reference_images", "character_reference_images",
     "character_reference_images_mask", "enable_copyright_detection"}
)  # fmt: skip
V3_ARRAYS = frozenset(
    {"style_codes", "style_reference_images", "character_reference_images",
     "character_reference_images_mask"}
)  # fmt: skip
V3_FILES = V3_ARRAYS - {"style_codes"}
V3_STYLE_PRESETS = frozenset(enums.STYLE_PRESETS)  # docs/ideogram-api.md §3 (62)
DEFAULT_RESOLUTION = enums.ASPECT_TO_RESOLUTION["1x1"]

_LEGACY_ASPECT = re.compile(r"ASPECT_(\d+)_(\d+)")
_LEGACY_RES = re.compile(r"RESOLUTION_(\d+)_(\d+)")
_STYLE_CODE = re.compile(r"[0-9A-Fa-f]{8}")
_HEX_COLOUR = re.compile(r"#([0-9a-fA-F]{3}){1,2}")
_CUSTOM_MODEL = re.compile(r"model/[^/]+/version/[^/]+")
_INTEGER_TEXT = re.compile(r"-?\d{1,12}")


def bad(message: str, **extra: Any) -> FakeError:
    return FakeError(400, message, **extra)


def show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def integer(value: Any, name: str, low: int, high: int, *, text: bool) -> int:
    """A JSON integer, or (multipart) its decimal text; then a range check."""
    if isinstance(value, str) and text and _INTEGER_TEXT.fullmatch(value.strip()):
        number = int(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        raise bad(f"{name} must be an integer, not {show(value)}")
    if not low <= number <= high:
        raise bad(f"{name} must be between {low} and {high}, not {number}")
    return number


def enum_value(value: Any, name: str, allowed: tuple[str, ...] | frozenset[str]) -> str:
    if not isinstance(value, str) or value not in allowed:
        shown = ", ".join(sorted(allowed)) if len(allowed) <= 20 else f"{len(allowed)} values"
        raise bad(f"{show(value)} is not a valid {name} (one of: {shown})")
    return value


def prompt_text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise bad("prompt is required and must be a non-empty string")
    return value


def string(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise bad(f"{name} must be a string")
    return value


def boolean(value: Any, name: str, *, text: bool) -> bool:
    if isinstance(value, bool):
        return value
    if text and isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise bad(f"{name} must be true or false, not {show(value)}")


def unknown_fields(fields: set[str], known: frozenset[str], where: str) -> None:
    extra = sorted(fields - known)
    if extra:
        raise bad(f"unknown field(s) for {where}: {', '.join(extra)}", allowed=sorted(known))


def palette(value: Any, *, text: bool) -> None:
    """Exactly one of ``{"name": PRESET}`` or ``{"members": [{"color_hex", "color_weight"}]}``."""
    if isinstance(value, str) and text:
        try:
            value = json.loads(value)
        except ValueError:
            raise bad("color_palette must be a JSON object") from None
    if not isinstance(value, dict) or ("name" in value) == ("members" in value):
        raise bad("color_palette needs exactly one of 'name' or 'members'")
    if "name" in value:
        enum_value(value["name"], "color_palette.name", enums.PALETTE_PRESETS)
        return
    members = value["members"]
    if not isinstance(members, list) or not members:
        raise bad("color_palette.members must be a non-empty list")
    for member in members:
        if not isinstance(member, dict) or not isinstance(member.get("color_hex"), str):
            raise bad("each color_palette member needs a color_hex string")
        if not _HEX_COLOUR.fullmatch(member["color_hex"]):
            raise bad(f"{show(member['color_hex'])} is not a colour like #RRGGBB")
        weight = member.get("color_weight")
        if weight is not None and (
            isinstance(weight, bool)
            or not isinstance(weight, int | float)
            or not 0.05 <= weight <= 1.0
        ):
            raise bad("color_weight must be a number between 0.05 and 1.0")


def legacy(body: Any, *, strict: bool = True) -> Request:
    """``POST /generate``: JSON ``{"image_request": {...}}``, models V_1 … V_2A_TURBO."""
    if not isinstance(body, dict) or not isinstance(body.get("image_request"), dict):
        raise bad("body must be a JSON object with an 'image_request' object")
    req = {k: v for k, v in body["image_request"].items() if v is not None}
    return legacy_request(req, route=enums.LEGACY_ENDPOINT, known=LEGACY_FIELDS, strict=strict)


def legacy_size(value: Any, model: str) -> str:
    """A legacy ``RESOLUTION_W_H`` (V_2 family only) as ``WxH``."""
    if model not in enums.LEGACY_RESOLUTION_MODELS:
        raise bad(f"resolution is not supported for model {model}")
    m = _LEGACY_RES.fullmatch(str(value))
    if not m or f"{m[1]}x{m[2]}" not in enums.LEGACY_RESOLUTIONS:
        raise bad(f"{show(value)} is not a valid resolution (RESOLUTION_W_H)")
    return f"{m[1]}x{m[2]}"


def legacy_style(style: Any, model: str) -> str | None:
    """A legacy ``style_type``: not for V_1 models (docs/ideogram-api.md §3)."""
    if style is None:
        return None
    if model in ("V_1", "V_1_TURBO"):
        raise bad(f"style_type is not supported for model {model}")
    return enum_value(style, "style_type", enums.LEGACY_STYLE_TYPES)


def legacy_request(
    req: dict[str, Any], *, route: str, known: frozenset[str], strict: bool, text: bool = False
) -> Request:
    """The ``/generate`` fields (shared by ``/remix``, whose ``image_request`` adds one)."""
    if strict:
        unknown_fields(set(req), known, "image_request")
    prompt = prompt_text(req.get("prompt"))
    model = enum_value(req.get("model", "V_2"), "model", (*enums.LEGACY_MODELS, "AUTO"))
    if "aspect_ratio" in req and "resolution" in req:
        raise bad("aspect_ratio and resolution cannot be used together")
    resolution = DEFAULT_RESOLUTION
    if "aspect_ratio" in req:
        m = _LEGACY_ASPECT.fullmatch(str(req["aspect_ratio"]))
        if not m or f"{m[1]}x{m[2]}" not in enums.LEGACY_ASPECTS:
            allowed = tuple(f"ASPECT_{a.replace('x', '_')}" for a in enums.LEGACY_ASPECTS)
            enum_value(req["aspect_ratio"], "aspect_ratio", allowed)
        else:
            resolution = enums.ASPECT_TO_RESOLUTION[f"{m[1]}x{m[2]}"]
    if "resolution" in req:
        resolution = legacy_size(req["resolution"], model)
    style = legacy_style(req.get("style_type"), model)
    if "negative_prompt" in req:
        string(req["negative_prompt"], "negative_prompt")
        if model not in enums.NEGATIVE_PROMPT_MODELS:
            raise bad(f"negative_prompt is not supported for model {model}")
    if "color_palette" in req:
        if model not in enums.COLOR_PALETTE_MODELS:
            raise bad(f"color_palette is not supported for model {model}")
        palette(req["color_palette"], text=text)
    magic = req.get("magic_prompt_option")
    if magic is not None:
        enum_value(magic, "magic_prompt_option", enums.MAGIC_PROMPT)
    num_images, seed = count_and_seed(req.get("num_images"), req.get("seed"), text=text)
    return Request(
        route=route,
        prompt=prompt,
        model=model,
        num_images=num_images,
        seed=seed,
        resolution=resolution,
        magic_prompt=magic,
        style_type=style or "AUTO",
    )


def count_and_seed(num: Any, seed: Any, *, text: bool) -> tuple[int, int | None]:
    """``num_images`` (1 to 8, default 1) and ``seed`` (None: a random seed per image)."""
    count = 1 if num is None else integer(num, "num_images", 1, enums.MAX_NUM_IMAGES, text=text)
    return count, None if seed is None else integer(seed, "seed", 0, enums.MAX_SEED, text=text)


def clean(fields: Fields) -> Fields:
    """Nulls (JSON) and empty lists count as absent, as the real API treats them."""
    kept = {k: [v for v in vs if v is not None] for k, vs in fields.items()}
    return {k: vs for k, vs in kept.items() if vs}


def one(fields: Fields, name: str) -> Any:
    values = fields.get(name)
    return values[0] if values else None


def shapes(
    fields: Fields,
    *,
    route: str,
    known: frozenset[str],
    files: frozenset[str],
    strict: bool,
    forbidden: frozenset[str] = frozenset(),
    arrays: frozenset[str] = V3_ARRAYS,
) -> None:
    """Field names, repeats, and files-versus-text, before any value is looked at.

    ``forbidden`` fields are refused even when ``strict`` is off: the reference says the route
    does not take them (e.g. ``num_images`` on V4), so ignoring them would hide a client bug
    that costs money on the real API.
    """
    for name in sorted(forbidden & set(fields)):
        raise bad(f"{name} is not accepted by {route}")
    if strict:
        unknown_fields(set(fields), known, route)
    for name, values in fields.items():
        if name not in known:
            continue  # lenient mode: an unknown field is ignored, whatever its shape
        if len(values) > 1 and name not in arrays:
            raise bad(f"{name} was given {len(values)} times; it takes one value")
        is_file = [isinstance(v, FilePart) for v in values]
        if name in files and not all(is_file):
            raise bad(f"{name} must be uploaded as a file (multipart)")
        if name not in files and any(is_file):
            raise bad(f"{name} must be a form field, not a file")


def v3_looks(fields: Fields, *, text: bool) -> tuple[str | None, str | None]:
    """The style and prompt fields every V3 route shares; returns (style_type, magic_prompt).

    Each route's ``known`` set has already refused the fields it does not take.
    """
    style = one(fields, "style_type")
    if style is not None:
        enum_value(style, "style_type", enums.V3_STYLE_TYPES)
    codes = fields.get("style_codes", [])
    if codes and style is not None:
        raise bad("style_codes cannot be used together with style_type")
    if codes and "style_reference_images" in fields:
        raise bad("style_codes cannot be used together with style_reference_images")
    for code in codes:
        if not isinstance(code, str) or not _STYLE_CODE.fullmatch(code):
            raise bad(f"style code {show(code)} is not 8 hexadecimal characters")
    if len(fields.get("character_reference_images", [])) > enums.MAX_CHARACTER_REFERENCES:
        raise bad("at most one character reference image is supported")
    if one(fields, "style_preset") is not None:
        enum_value(one(fields, "style_preset"), "style_preset", V3_STYLE_PRESETS)
    if one(fields, "rendering_speed") is not None:
        enum_value(one(fields, "rendering_speed"), "rendering_speed", enums.RENDERING_SPEEDS)
    magic = one(fields, "magic_prompt")
    if magic is not None:
        enum_value(magic, "magic_prompt", enums.MAGIC_PROMPT)
    if one(fields, "negative_prompt") is not None:
        string(one(fields, "negative_prompt"), "negative_prompt")
    if one(fields, "color_palette") is not None:
        palette(one(fields, "color_palette"), text=text)
    return style, magic


def v3_size(fields: Fields, default: str = DEFAULT_RESOLUTION) -> str:
    """``aspect_ratio`` *or* ``resolution`` (V3 lists) as ``WxH``."""
    aspect, resolution = one(fields, "aspect_ratio"), one(fields, "resolution")
    if aspect is not None and resolution is not None:
        raise bad("aspect_ratio and resolution cannot be used together")
    if aspect is not None:
        return enums.ASPECT_TO_RESOLUTION[enum_value(aspect, "aspect_ratio", enums.V3_ASPECTS)]
    if resolution is not None:
        return enum_value(resolution, "resolution", enums.V3_RESOLUTIONS)
    return default


def v3(fields: Fields, *, text: bool, strict: bool = True) -> Request:
    """``POST /v1/ideogram-v3/generate``; ``text``: the values came as multipart text.

    Uploaded reference images are checked separately (``validate_uploads``).
    """
    fields = clean(fields)
    shapes(fields, route=enums.V3_ENDPOINT, known=V3_FIELDS, files=V3_FILES, strict=strict)
    prompt = prompt_text(one(fields, "prompt"))
    size = v3_size(fields)
    style, magic = v3_looks(fields, text=text)
    uri = one(fields, "custom_model_uri")
    if uri is not None and not (isinstance(uri, str) and _CUSTOM_MODEL.fullmatch(uri)):
        raise bad("custom_model_uri must look like model/<name>/version/<version>")
    if one(fields, "enable_copyright_detection") is not None:
        flag = one(fields, "enable_copyright_detection")
        boolean(flag, "enable_copyright_detection", text=text)
    num_images, seed = count_and_seed(one(fields, "num_images"), one(fields, "seed"), text=text)
    return Request(
        route=enums.V3_ENDPOINT,
        prompt=prompt,
        model=enums.V3_MODEL,
        num_images=num_images,
        seed=seed,
        resolution=size,
        magic_prompt=magic,
        style_type=style or "GENERAL",
    )
