"""Request validation as the real server does it: wrong input is a 400 with a reason.

Independent of the client's own validation (``api/params.py``) on purpose: the fake must catch
what a buggy client would send. It shares only the enum lists, which are data.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from ideovault.api import enums


class FakeError(Exception):
    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {"error": message, **extra}


@dataclass(frozen=True)
class Request:
    route: str
    prompt: str
    model: str
    num_images: int
    seed: int | None
    resolution: str
    magic_prompt: str | None
    style_type: str | None


_LEGACY_ASPECT = re.compile(r"^ASPECT_(\d+)_(\d+)$")
_LEGACY_RES = re.compile(r"^RESOLUTION_(\d+)_(\d+)$")


def _bad(message: str) -> FakeError:
    return FakeError(400, message)


def _int(value: Any, name: str, low: int, high: int) -> int:
    if isinstance(value, bool):
        raise _bad(f"{name} must be an integer")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise _bad(f"{name} must be an integer") from None
    if not low <= number <= high:
        raise _bad(f"{name} must be between {low} and {high}")
    return number


def _enum(value: Any, name: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise _bad(f"'{value}' is not one of {list(allowed)} - '{name}'")
    return str(value)


def _prompt(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _bad("prompt is required")
    return value


def legacy(body: Any) -> Request:
    if not isinstance(body, dict) or not isinstance(body.get("image_request"), dict):
        raise _bad("body must be a JSON object with an 'image_request' object")
    req: dict[str, Any] = body["image_request"]
    prompt = _prompt(req.get("prompt"))
    model = _enum(req.get("model", "V_2"), "model", (*enums.LEGACY_MODELS, "AUTO"))
    if "aspect_ratio" in req and "resolution" in req:
        raise _bad("aspect_ratio and resolution cannot be used together")
    resolution = "1024x1024"
    if "aspect_ratio" in req:
        m = _LEGACY_ASPECT.match(str(req["aspect_ratio"]))
        aspect = f"{m.group(1)}x{m.group(2)}" if m else ""
        _enum(aspect, "aspect_ratio", enums.LEGACY_ASPECTS)
        resolution = enums.ASPECT_TO_RESOLUTION[aspect]
    if "resolution" in req:
        if model not in enums.LEGACY_RESOLUTION_MODELS:
            raise _bad(f"resolution is not supported for model {model}")
        m = _LEGACY_RES.match(str(req["resolution"]))
        resolution = f"{m.group(1)}x{m.group(2)}" if m else ""
        _enum(resolution, "resolution", enums.LEGACY_RESOLUTIONS)
    style = req.get("style_type")
    if style is not None:
        if model in ("V_1", "V_1_TURBO"):
            raise _bad(f"style_type is not supported for model {model}")
        _enum(style, "style_type", enums.LEGACY_STYLE_TYPES)
    if req.get("negative_prompt") and model not in enums.NEGATIVE_PROMPT_MODELS:
        raise _bad(f"negative_prompt is not supported for model {model}")
    if "color_palette" in req:
        if model not in enums.COLOR_PALETTE_MODELS:
            raise _bad(f"color_palette is not supported for model {model}")
        _palette(req["color_palette"])
    magic = req.get("magic_prompt_option")
    if magic is not None:
        _enum(magic, "magic_prompt_option", enums.MAGIC_PROMPT)
    return Request(
        route="/generate",
        prompt=prompt,
        model=model,
        num_images=_int(req.get("num_images", 1), "num_images", 1, enums.MAX_NUM_IMAGES),
        seed=_int(req["seed"], "seed", 0, enums.MAX_SEED) if "seed" in req else None,
        resolution=resolution,
        magic_prompt=magic,
        style_type=style or "AUTO",
    )


def _palette(value: Any) -> None:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise _bad("color_palette must be a JSON object") from None
    if not isinstance(value, dict) or ("name" in value) == ("members" in value):
        raise _bad("color_palette needs exactly one of 'name' or 'members'")
    if "name" in value:
        _enum(value["name"], "color_palette.name", enums.PALETTE_PRESETS)
    elif not isinstance(value["members"], list) or not value["members"]:
        raise _bad("color_palette.members must be a non-empty list")


def v3(fields: dict[str, list[Any]]) -> Request:
    """Fields of a V3 request, each a list (multipart repeats names for arrays)."""

    def one(name: str) -> Any:
        values = fields.get(name)
        return values[0] if values else None

    prompt = _prompt(one("prompt"))
    aspect, resolution = one("aspect_ratio"), one("resolution")
    if aspect is not None and resolution is not None:
        raise _bad("aspect_ratio and resolution cannot be used together")
    size = "1024x1024"
    if aspect is not None:
        size = enums.ASPECT_TO_RESOLUTION[_enum(aspect, "aspect_ratio", enums.V3_ASPECTS)]
    if resolution is not None:
        size = _enum(resolution, "resolution", enums.V3_RESOLUTIONS)
    style = one("style_type")
    if style is not None:
        _enum(style, "style_type", enums.V3_STYLE_TYPES)
    codes = fields.get("style_codes") or []
    if codes and style is not None:
        raise _bad("style_codes cannot be used with style_type")
    for code in codes:
        if not re.fullmatch(r"[0-9A-Fa-f]{8}", str(code)):
            raise _bad(f"style code '{code}' is not 8 hexadecimal characters")
    speed = one("rendering_speed")
    if speed is not None:
        _enum(speed, "rendering_speed", enums.RENDERING_SPEEDS)
    magic = one("magic_prompt")
    if magic is not None:
        _enum(magic, "magic_prompt", enums.MAGIC_PROMPT)
    if one("color_palette") is not None:
        _palette(one("color_palette"))
    seed = one("seed")
    return Request(
        route=enums.V3_ENDPOINT,
        prompt=prompt,
        model="V_3",
        num_images=_int(one("num_images") or 1, "num_images", 1, enums.MAX_NUM_IMAGES),
        seed=None if seed is None else _int(seed, "seed", 0, enums.MAX_SEED),
        resolution=size,
        magic_prompt=magic,
        style_type=style or "GENERAL",
    )
