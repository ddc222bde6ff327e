"""Ideogram 4.0's JSON prompt (V4JsonPrompt, docs/ideogram-api.md §6.2) as pydantic models.

A JSON prompt is used verbatim by the API (Magic Prompt off), so a typo in it is paid for:
``hight_level_description`` would be a 400 at best. Everything is checked here, with the path
of the bad field in the message. Unknown keys are refused for the same reason. Answers from the
API (magic-prompt, describe) are NOT forced through these models — the API may add keys — they
are kept as they came and only validated when sent back as a request.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ideovault import nesting
from ideovault.api.text import check_text

MAX_JSON_PROMPT_CHARS = 20_000  # compact JSON; the reference cites ~4,000 chars of prompt text
MAX_ELEMENTS = 64
MAX_FIELD_CHARS = 4_000
_HEX6 = re.compile(r"^#[0-9a-fA-F]{6}$")

BoxSide = Annotated[int, Field(strict=True, ge=0, le=1000)]
Palette = tuple[str, ...]


def _text(value: str, what: str) -> str:
    return check_text(value, what, MAX_FIELD_CHARS)


def _palette(colours: Palette | None) -> Palette | None:
    for colour in colours or ():
        if not _HEX6.match(colour):
            raise ValueError(f"{colour!r} is not a colour like #RRGGBB")
    return tuple(c.upper() for c in colours) if colours else colours


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StyleDescription(_Strict):
    """Optional look of the picture: free text per aspect, plus a palette."""

    aesthetics: str | None = None
    art_style: str | None = None
    lighting: str | None = None
    medium: str | None = None
    photo: str | None = None
    color_palette: Palette | None = Field(default=None, max_length=16)

    @field_validator("aesthetics", "art_style", "lighting", "medium", "photo")
    @classmethod
    def _words(cls, v: str | None) -> str | None:
        return None if v is None else _text(v, "a style description")

    @field_validator("color_palette")
    @classmethod
    def _colours(cls, v: Palette | None) -> Palette | None:
        return _palette(v)


class Element(_Strict):
    """One thing in the picture: an object, or literal text to render (``text``)."""

    type: Literal["obj", "text"]
    desc: str = Field(min_length=1)
    text: str | None = None
    bbox: tuple[BoxSide, BoxSide, BoxSide, BoxSide] | None = None
    color_palette: Palette | None = Field(default=None, max_length=16)

    @field_validator("desc", "text")
    @classmethod
    def _words(cls, v: str | None) -> str | None:
        return None if v is None else _text(v, "an element's text")

    @field_validator("color_palette")
    @classmethod
    def _colours(cls, v: Palette | None) -> Palette | None:
        return _palette(v)

    @model_validator(mode="after")
    def _shape(self) -> Element:
        if self.type == "text" and not self.text:
            raise ValueError("a text element needs its literal copy in 'text'")
        if self.bbox is not None:
            y0, x0, y1, x1 = self.bbox
            if y0 > y1 or x0 > x1:
                raise ValueError("bbox is [y_min, x_min, y_max, x_max]; a min exceeds its max")
        return self


class Composition(_Strict):
    background: str = Field(min_length=1)
    elements: tuple[Element, ...] = Field(default=(), max_length=MAX_ELEMENTS)

    @field_validator("background")
    @classmethod
    def _words(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("the background must say something")
        return _text(v, "the background")


class V4JsonPrompt(_Strict):
    """The whole prompt. ``tags`` appears in describe's answers; it is accepted back as-is."""

    high_level_description: str = Field(min_length=1)
    style_description: StyleDescription | None = None
    compositional_deconstruction: Composition
    tags: tuple[str, ...] | None = Field(default=None, max_length=64)

    @field_validator("high_level_description")
    @classmethod
    def _words(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("the high-level description must say something")
        return _text(v, "the high-level description")

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        """JSON text is accepted too (a file's contents, a multipart field)."""
        if isinstance(data, str | bytes):
            if len(data) > MAX_JSON_PROMPT_CHARS * 4:
                raise ValueError("the JSON prompt is far too long")
            try:
                data = nesting.loads(data)
            except nesting.TooDeep as exc:
                raise ValueError(f"the JSON prompt is not accepted: {exc}") from None
            except ValueError:
                raise ValueError("the JSON prompt is not valid JSON") from None
        if not isinstance(data, dict):
            raise ValueError("the JSON prompt must be a JSON object")
        return data

    @model_validator(mode="after")
    def _size(self) -> V4JsonPrompt:
        if len(self.wire()) > MAX_JSON_PROMPT_CHARS:
            raise ValueError(
                f"the JSON prompt is over {MAX_JSON_PROMPT_CHARS} characters as compact JSON"
            )
        return self

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON data, absent fields left out (what goes on the wire and in the catalog)."""
        return self.model_dump(mode="json", exclude_none=True)

    def wire(self) -> str:
        """Compact JSON text: how multipart carries an object (§1)."""
        return json.dumps(self.as_dict(), separators=(",", ":"), ensure_ascii=False)


def flatten(value: Any) -> str:
    """Every string in a JSON prompt, in order, as one line of words: what search indexes.

    Works on whatever the API sent (unknown keys included), so a describe answer with new keys
    is still searchable; keys and colour codes are left out, they are not words.
    """
    words: list[str] = []

    def walk(node: Any, key: str = "") -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, str(k))
        elif isinstance(node, list | tuple):
            for item in node:
                walk(item, key)
        elif isinstance(node, str) and key not in ("type", "color_palette") and node.strip():
            words.append(" ".join(node.split()))

    walk(value)
    return " ".join(words)
