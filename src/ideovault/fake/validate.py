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
    """An uploaded file in a multipart request (only its name and size matter here)."""

    filename: str
    size: int


@dataclass(frozen=True)
class Request:
    """A validated generate request: what the answer needs."""

    route: str
    prompt: str
    model: str
    num_images: int
    seed: int | None
    resolution: str
    magic_prompt: str | None
    style_type: str | None


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
_PRESETS = """80S_ILLUSTRATION 90S_NOSTALGIA ABSTRACT_ORGANIC ANALOG_NOSTALGIA ART_BRUT ART_DECO
ART_POSTER AURA AVANT_GARDE BAUHAUS BLUEPRINT BLURRY_MOTION BRIGHT_ART C4D_CARTOON
CHILDRENS_BOOK COLLAGE COLORING_BOOK_I COLORING_BOOK_II CUBISM DARK_AURA DOODLE
DOUBLE_EXPOSURE DRAMATIC_CINEMA EDITORIAL EMOTIONAL_MINIMAL ETHEREAL_PARTY EXPIRED_FILM
FLAT_ART FLAT_VECTOR FOREST_REVERIE GEO_MINIMALIST GLASS_PRISM GOLDEN_HOUR GRAFFITI_I
GRAFFITI_II HALFTONE_PRINT HIGH_CONTRAST HIPPIE_ERA ICONIC JAPANDI_FUSION JAZZY
LONG_EXPOSURE MAGAZINE_EDITORIAL MINIMAL_ILLUSTRATION MIXED_MEDIA MONOCHROME NIGHTLIFE
OIL_PAINTING OLD_CARTOONS PAINT_GESTURE POP_ART RETRO_ETCHING RIVIERA_POP SPOTLIGHT_80S
STYLIZED_RED SURREAL_COLLAGE TRAVEL_POSTER VINTAGE_GEO VINTAGE_POSTER WATERCOLOR WEIRD
WOODBLOCK_PRINT"""
V3_STYLE_PRESETS = frozenset(_PRESETS.split())  # ideogram-api.md §3 (62)
DEFAULT_RESOLUTION = enums.ASPECT_TO_RESOLUTION["1x1"]

_LEGACY_ASPECT = re.compile(r"ASPECT_(\d+)_(\d+)")
_LEGACY_RES = re.compile(r"RESOLUTION_(\d+)_(\d+)")
_STYLE_CODE = re.compile(r"[0-9A-Fa-f]{8}")
_HEX_COLOUR = re.compile(r"#([0-9a-fA-F]{3}){1,2}")
_CUSTOM_MODEL = re.compile(r"model/[^/]+/version/[^/]+")
_INTEGER_TEXT = re.compile(r"-?\d{1,12}")


def bad(message: str, **extra: Any) -> FakeError:
    return FakeError(400, message, **extra)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _int(value: Any, name: str, low: int, high: int, *, text: bool) -> int:
    """A JSON integer, or (multipart) its decimal text; then a range check."""
    if isinstance(value, str) and text and _INTEGER_TEXT.fullmatch(value.strip()):
        number = int(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        raise bad(f"{name} must be an integer, not {_show(value)}")
    if not low <= number <= high:
        raise bad(f"{name} must be between {low} and {high}, not {number}")
    return number


def _enum(value: Any, name: str, allowed: tuple[str, ...] | frozenset[str]) -> str:
    if not isinstance(value, str) or value not in allowed:
        shown = ", ".join(sorted(allowed)) if len(allowed) <= 20 else f"{len(allowed)} values"
        raise bad(f"{_show(value)} is not a valid {name} (one of: {shown})")
    return value


def _prompt(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise bad("prompt is required and must be a non-empty string")
    return value


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise bad(f"{name} must be a string")
    return value


def _bool(value: Any, name: str, *, text: bool) -> bool:
    if isinstance(value, bool):
        return value
    if text and isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise bad(f"{name} must be true or false, not {_show(value)}")


def _unknown(fields: set[str], known: frozenset[str], where: str) -> None:
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
        _enum(value["name"], "color_palette.name", enums.PALETTE_PRESETS)
        return
    members = value["members"]
    if not isinstance(members, list) or not members:
        raise bad("color_palette.members must be a non-empty list")
    for member in members:
        if not isinstance(member, dict) or not isinstance(member.get("color_hex"), str):
            raise bad("each color_palette member needs a color_hex string")
        if not _HEX_COLOUR.fullmatch(member["color_hex"]):
            raise bad(f"{_show(member['color_hex'])} is not a colour like #RRGGBB")
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
    req: dict[str, Any] = {k: v for k, v in body["image_request"].items() if v is not None}
    if strict:
        _unknown(set(req), LEGACY_FIELDS, "image_request")
    prompt = _prompt(req.get("prompt"))
    model = _enum(req.get("model", "V_2"), "model", (*enums.LEGACY_MODELS, "AUTO"))
    if "aspect_ratio" in req and "resolution" in req:
        raise bad("aspect_ratio and resolution cannot be used together")
    resolution = DEFAULT_RESOLUTION
    if "aspect_ratio" in req:
        m = _LEGACY_ASPECT.fullmatch(str(req["aspect_ratio"]))
        if not m or f"{m[1]}x{m[2]}" not in enums.LEGACY_ASPECTS:
            allowed = tuple(f"ASPECT_{a.replace('x', '_')}" for a in enums.LEGACY_ASPECTS)
            _enum(req["aspect_ratio"], "aspect_ratio", allowed)
        else:
            resolution = enums.ASPECT_TO_RESOLUTION[f"{m[1]}x{m[2]}"]
    if "resolution" in req:
        if model not in enums.LEGACY_RESOLUTION_MODELS:
            raise bad(f"resolution is not supported for model {model}")
        m = _LEGACY_RES.fullmatch(str(req["resolution"]))
        if not m or f"{m[1]}x{m[2]}" not in enums.LEGACY_RESOLUTIONS:
            raise bad(f"{_show(req['resolution'])} is not a valid resolution (RESOLUTION_W_H)")
        resolution = f"{m[1]}x{m[2]}"
    style = req.get("style_type")
    if style is not None:
        if model in ("V_1", "V_1_TURBO"):
            raise bad(f"style_type is not supported for model {model}")
        _enum(style, "style_type", enums.LEGACY_STYLE_TYPES)
    if "negative_prompt" in req:
        _text(req["negative_prompt"], "negative_prompt")
        if model not in enums.NEGATIVE_PROMPT_MODELS:
            raise bad(f"negative_prompt is not supported for model {model}")
    if "color_palette" in req:
        if model not in enums.COLOR_PALETTE_MODELS:
            raise bad(f"color_palette is not supported for model {model}")
        palette(req["color_palette"], text=False)
    magic = req.get("magic_prompt_option")
    if magic is not None:
        _enum(magic, "magic_prompt_option", enums.MAGIC_PROMPT)
    seed = req.get("seed")
    return Request(
        route=enums.LEGACY_ENDPOINT,
        prompt=prompt,
        model=model,
        num_images=_int(
            req.get("num_images", 1), "num_images", 1, enums.MAX_NUM_IMAGES, text=False
        ),
        seed=None if seed is None else _int(seed, "seed", 0, enums.MAX_SEED, text=False),
        resolution=resolution,
        magic_prompt=magic,
        style_type=style or "AUTO",
    )


def _v3_shapes(fields: dict[str, list[Any]], strict: bool) -> None:
    """Field names, repeats, and files-versus-text, before any value is looked at."""
    if strict:
        _unknown(set(fields), V3_FIELDS, enums.V3_ENDPOINT)
    for name, values in fields.items():
        if len(values) > 1 and name not in V3_ARRAYS:
            raise bad(f"{name} was given {len(values)} times; it takes one value")
        is_file = [isinstance(v, FilePart) for v in values]
        if name in V3_FILES and not all(is_file):
            raise bad(f"{name} must be uploaded as files (multipart)")
        if name not in V3_FILES and any(is_file):
            raise bad(f"{name} must be a form field, not a file")


def v3(fields: dict[str, list[Any]], *, text: bool, strict: bool = True) -> Request:
    """``POST /v1/ideogram-v3/generate``; each field is a list (multipart repeats arrays).

    ``text`` says the values came as multipart text rather than typed JSON.
    """
    fields = {k: [v for v in vs if v is not None] for k, vs in fields.items()}
    fields = {k: vs for k, vs in fields.items() if vs}
    _v3_shapes(fields, strict)

    def one(name: str) -> Any:
        values = fields.get(name)
        return values[0] if values else None

    prompt = _prompt(one("prompt"))
    aspect, resolution = one("aspect_ratio"), one("resolution")
    if aspect is not None and resolution is not None:
        raise bad("aspect_ratio and resolution cannot be used together")
    size = DEFAULT_RESOLUTION
    if aspect is not None:
        size = enums.ASPECT_TO_RESOLUTION[_enum(aspect, "aspect_ratio", enums.V3_ASPECTS)]
    if resolution is not None:
        size = _enum(resolution, "resolution", enums.V3_RESOLUTIONS)
    style = one("style_type")
    if style is not None:
        _enum(style, "style_type", enums.V3_STYLE_TYPES)
    codes = fields.get("style_codes", [])
    if codes and style is not None:
        raise bad("style_codes cannot be used together with style_type")
    if codes and "style_reference_images" in fields:
        raise bad("style_codes cannot be used together with style_reference_images")
    for code in codes:
        if not isinstance(code, str) or not _STYLE_CODE.fullmatch(code):
            raise bad(f"style code {_show(code)} is not 8 hexadecimal characters")
    if len(fields.get("character_reference_images", [])) > 1:
        raise bad("at most one character reference image is supported")
    if one("style_preset") is not None:
        _enum(one("style_preset"), "style_preset", V3_STYLE_PRESETS)
    if one("rendering_speed") is not None:
        _enum(one("rendering_speed"), "rendering_speed", enums.RENDERING_SPEEDS)
    magic = one("magic_prompt")
    if magic is not None:
        _enum(magic, "magic_prompt", enums.MAGIC_PROMPT)
    if one("negative_prompt") is not None:
        _text(one("negative_prompt"), "negative_prompt")
    if one("color_palette") is not None:
        palette(one("color_palette"), text=text)
    uri = one("custom_model_uri")
    if uri is not None and not (isinstance(uri, str) and _CUSTOM_MODEL.fullmatch(uri)):
        raise bad("custom_model_uri must look like model/<name>/version/<version>")
    if one("enable_copyright_detection") is not None:
        _bool(one("enable_copyright_detection"), "enable_copyright_detection", text=text)
    num, seed = one("num_images"), one("seed")
    return Request(
        route=enums.V3_ENDPOINT,
        prompt=prompt,
        model=enums.V3_MODEL,
        num_images=1
        if num is None
        else _int(num, "num_images", 1, enums.MAX_NUM_IMAGES, text=text),
        seed=None if seed is None else _int(seed, "seed", 0, enums.MAX_SEED, text=text),
        resolution=size,
        magic_prompt=magic,
        style_type=style or "GENERAL",
    )
