"""The fields of an imported record, checked with the rules the CLI applies to its own input.

A record from a file is input like any other: its prompt passes ``api.text.check_text`` (no
NUL, no control characters, at most 10,000 characters), its tags ``vault.tags``, its seed the
API's range, its aspect ratio and resolution ``api.params``' parsers, its model and styles the
API's lists. A wrong type is refused, never coerced: ``"isSafe": "false"`` is not true, and
``"tags": "abc"`` is not the tags a, b, c. Every problem of a record is reported at once.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlparse

from ideovault.api import enums
from ideovault.api.params import normalize_aspect, normalize_resolution
from ideovault.api.text import MAX_PROMPT_CHARS, check_text
from ideovault.errors import UserError
from ideovault.vault.tags import normalize_tags

MAX_REQUEST_BYTES = 1024 * 1024
_ROUTE_MODELS = (
    enums.UPSCALE_MODEL, enums.DESCRIBE_MODEL, enums.DESCRIBE_V4_MODEL,
    enums.REMOVE_BACKGROUND_MODEL, enums.INSTRUCT_MODEL,
)  # fmt: skip
MODELS = {*enums.MODELS, *_ROUTE_MODELS}
STYLE_TYPES = {*enums.LEGACY_STYLE_TYPES, *enums.V3_STYLE_TYPES}
SPEEDS = {*enums.RENDERING_SPEEDS, *enums.V4_RENDERING_SPEEDS}
MAGIC = {"AUTO", "ON", "OFF"}
UNKNOWN_MODEL = "unknown"  # what an image without a record says it was made with


class RecordProblems(ValueError):
    """Everything wrong with one record, one sentence per field."""


def _kind(value: Any) -> str:
    names = {list: "a list", str: "a string", bool: "true/false", type(None): "null"}
    return names.get(type(value), "a number" if isinstance(value, int | float) else "an object")


def _text(value: Any, what: str, max_chars: int = MAX_PROMPT_CHARS) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be text, not {_kind(value)}")
    return check_text(value, what, max_chars)


def _whole(value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"must be a whole number, not {_kind(value)}")
    if not low <= value <= high:
        raise ValueError(f"must be between {low} and {high}, not {value}")
    return value


def _choice(value: Any, allowed: set[str], what: str) -> str:
    text = _text(value, what, 64).strip().upper()
    if text not in allowed:
        raise ValueError(f"{value!r} is not one of {', '.join(sorted(allowed))}")
    return text


def _model(value: Any) -> str:
    if isinstance(value, str) and value.strip().lower() == UNKNOWN_MODEL:
        return UNKNOWN_MODEL
    return _choice(value, MODELS, "the model")


def _created(value: Any) -> datetime:
    text = _text(value, "createdAt", 64)
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{text[:40]!r} is not an ISO 8601 date and time") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _url(value: Any) -> str:
    text = _text(value, "originalUrl", 4096)
    if urlparse(text).scheme not in ("http", "https"):
        raise ValueError("must be an http(s) link")
    return text


def _tags(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise ValueError(f"must be a list of text, not {_kind(value)}")
    try:
        return normalize_tags(value)
    except UserError as exc:
        raise ValueError(str(exc)) from None


# The checked fields, by their snake_case name (the seed's camelCase arrives converted).
CHECKS: dict[str, Any] = {
    "id": lambda v: _text(v, "id", 200),
    "prompt": lambda v: _text(v, "the prompt"),
    "expanded_prompt": lambda v: _text(v, "the expanded prompt"),
    "negative_prompt": lambda v: _text(v, "the negative prompt"),
    "model": _model,
    "style_type": lambda v: _choice(v, STYLE_TYPES, "the style type"),
    "rendering_speed": lambda v: _choice(v, SPEEDS, "the rendering speed"),
    "magic_prompt": lambda v: _choice(v, MAGIC, "magic prompt"),
    "aspect_ratio": lambda v: normalize_aspect(_text(v, "the aspect ratio", 64)),
    "resolution": lambda v: normalize_resolution(_text(v, "the resolution", 64)),
    "seed": lambda v: _whole(v, 0, enums.MAX_SEED),
    "index": lambda v: _whole(v, 0, 1000),
    "size_bytes": lambda v: _whole(v, 0, 2**40),
    "is_safe": lambda v: v if isinstance(v, bool) else _refuse_bool(v),
    "original_url": _url,
    "created_at": _created,
    "tags": _tags,
}
# What the seed's writer named them, for messages that point at the file's own words.
SEED_NAMES = {
    "expanded_prompt": "expandedPrompt", "negative_prompt": "negativePrompt",
    "style_type": "styleType", "aspect_ratio": "aspectRatio", "is_safe": "isSafe",
    "original_url": "originalUrl", "created_at": "createdAt", "size_bytes": "sizeBytes",
    "rendering_speed": "renderingSpeed", "magic_prompt": "magicPrompt",
}  # fmt: skip


def _refuse_bool(value: Any) -> bool:
    raise ValueError(f"must be true or false, not {_kind(value)}")


def checked(fields: dict[str, Any], *, seed_names: bool) -> dict[str, Any]:
    """The known fields of a record, checked and normalised; null means absent. Raises
    :class:`RecordProblems` naming every field that is wrong."""
    values: dict[str, Any] = {}
    problems: list[str] = []
    for name, check in CHECKS.items():
        value = fields.get(name)
        if value is None:
            continue
        try:
            values[name] = check(value)
        except ValueError as exc:
            label = SEED_NAMES.get(name, name) if seed_names else name
            problems.append(f"{label}: {exc}")
    if problems:
        raise RecordProblems("; ".join(problems))
    return values


def checked_request(generation: Any) -> dict[str, Any] | None:
    """The request an ideovault sidecar recorded, if it is a reasonable JSON object."""
    request = generation.get("request") if isinstance(generation, dict) else None
    if not isinstance(request, dict):
        return None
    if len(json.dumps(request, ensure_ascii=False)) > MAX_REQUEST_BYTES:
        raise RecordProblems(f"its recorded request is larger than {MAX_REQUEST_BYTES} bytes")
    return request
