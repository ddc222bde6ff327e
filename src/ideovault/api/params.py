"""Typed, validated generation requests.

Everything a user can get wrong is caught here, before a request leaves the machine: a bad enum
or a ``num_images`` of 99 never costs a call. The model also owns the two wire encodings (legacy
JSON and V3 multipart) and the canonical form whose hash is the request's fingerprint.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ideovault.api import enums
from ideovault.errors import UserError

MAX_PROMPT_CHARS = 10_000

_ASPECT_RE = re.compile(r"^(?:ASPECT_)?(\d{1,2})\s*[x:_X]\s*(\d{1,2})$", re.IGNORECASE)
_RES_RE = re.compile(r"^(?:RESOLUTION_)?(\d{3,4})\s*[x_X*]\s*(\d{3,4})$", re.IGNORECASE)
_STYLE_CODE_RE = re.compile(r"^[0-9A-Fa-f]{8}$")
_HEX_COLOR_RE = re.compile(r"^#([0-9a-fA-F]{3}){1,2}$")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def normalize_aspect(value: str) -> str:
    """``16x9``, ``16:9`` and ``ASPECT_16_9`` all become ``16x9``."""
    m = _ASPECT_RE.match(value.strip())
    if not m:
        raise ValueError(f"aspect ratio {value!r} is not of the form 16x9, 16:9 or ASPECT_16_9")
    return f"{int(m.group(1))}x{int(m.group(2))}"


def normalize_resolution(value: str) -> str:
    """``1024x1024`` and ``RESOLUTION_1024_1024`` both become ``1024x1024``."""
    m = _RES_RE.match(value.strip())
    if not m:
        raise ValueError(f"resolution {value!r} is not of the form 1024x1024")
    return f"{int(m.group(1))}x{int(m.group(2))}"


def check_text(value: str, what: str, max_chars: int = MAX_PROMPT_CHARS) -> str:
    """Reject text that cannot be stored or sent faithfully (bad UTF-8, NUL, control chars)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"{what} is not valid UTF-8") from None
    if _CONTROL_RE.search(value):
        raise ValueError(f"{what} contains control characters")
    if len(value) > max_chars:
        raise ValueError(f"{what} is {len(value)} characters; the most accepted is {max_chars}")
    return value


class ColorMember(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    color_hex: str
    color_weight: float | None = Field(default=None, ge=0.05, le=1.0)

    @field_validator("color_hex")
    @classmethod
    def _hex(cls, v: str) -> str:
        if not _HEX_COLOR_RE.match(v):
            raise ValueError(f"{v!r} is not a color like #FF5733")
        return v.upper()


class ColorPalette(BaseModel):
    """Exactly one of a preset ``name`` or a list of ``members``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str | None = None
    members: tuple[ColorMember, ...] | None = None

    @model_validator(mode="after")
    def _one_of(self) -> ColorPalette:
        if (self.name is None) == (self.members is None):
            raise ValueError("a color palette has either a preset name or members, not both")
        if self.name is not None and self.name.upper() not in enums.PALETTE_PRESETS:
            raise ValueError(
                f"unknown palette {self.name!r}; one of {', '.join(enums.PALETTE_PRESETS)}"
            )
        if self.members is not None and not 1 <= len(self.members) <= 16:
            raise ValueError("a color palette has between 1 and 16 members")
        return self

    def wire(self) -> dict[str, Any]:
        if self.name is not None:
            return {"name": self.name.upper()}
        assert self.members is not None
        return {"members": [m.model_dump(exclude_none=True) for m in self.members]}


class GenerateParams(BaseModel):
    """One text-to-image request, normalised. Field names are ours; ``wire_*`` give the API's."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    prompt: str
    model: str = enums.DEFAULT_MODEL
    negative_prompt: str | None = None
    seed: int | None = Field(default=None, ge=0, le=enums.MAX_SEED)
    aspect_ratio: str | None = None
    resolution: str | None = None
    style_type: str | None = None
    rendering_speed: str | None = None
    magic_prompt: Literal["AUTO", "ON", "OFF"] | None = None
    num_images: int = Field(default=1, ge=1, le=enums.MAX_NUM_IMAGES)
    color_palette: ColorPalette | None = None
    style_codes: tuple[str, ...] | None = None

    @field_validator("prompt")
    @classmethod
    def _prompt(cls, v: str) -> str:
        if not v:
            raise ValueError("the prompt is empty")
        return check_text(v, "the prompt")

    @field_validator("negative_prompt")
    @classmethod
    def _negative(cls, v: str | None) -> str | None:
        return check_text(v, "the negative prompt") if v else None

    @field_validator("model", "style_type", "rendering_speed", "magic_prompt", mode="before")
    @classmethod
    def _upper(cls, v: Any) -> Any:
        return v.strip().upper() if isinstance(v, str) else v

    @field_validator("aspect_ratio", mode="before")
    @classmethod
    def _aspect(cls, v: Any) -> Any:
        return normalize_aspect(v) if isinstance(v, str) and v.strip() else (v or None)

    @field_validator("resolution", mode="before")
    @classmethod
    def _resolution(cls, v: Any) -> Any:
        return normalize_resolution(v) if isinstance(v, str) and v.strip() else (v or None)

    @field_validator("style_codes")
    @classmethod
    def _codes(cls, v: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if not v:
            return None
        for code in v:
            if not _STYLE_CODE_RE.match(code):
                raise ValueError(f"style code {code!r} is not 8 hexadecimal characters")
        return tuple(c.upper() for c in v)

    @model_validator(mode="after")
    def _combinations(self) -> GenerateParams:
        m = self.model
        if m not in enums.MODELS:
            raise ValueError(f"unknown model {m!r}; one of {', '.join(enums.MODELS)}")
        legacy = enums.is_legacy(m)
        if self.aspect_ratio and self.resolution:
            raise ValueError("give an aspect ratio or a resolution, not both")
        aspects = enums.LEGACY_ASPECTS if legacy else enums.V3_ASPECTS
        if self.aspect_ratio and self.aspect_ratio not in aspects:
            raise ValueError(
                f"aspect ratio {self.aspect_ratio} is not offered for {m}; "
                f"one of {', '.join(aspects)}"
            )
        if self.resolution:
            if legacy and m not in enums.LEGACY_RESOLUTION_MODELS:
                raise ValueError(f"{m} takes no resolution; use an aspect ratio")
            allowed = enums.LEGACY_RESOLUTIONS if legacy else enums.V3_RESOLUTIONS
            if self.resolution not in allowed:
                raise ValueError(f"resolution {self.resolution} is not offered for {m}")
        if self.style_type:
            styles = enums.LEGACY_STYLE_TYPES if legacy else enums.V3_STYLE_TYPES
            if m in ("V_1", "V_1_TURBO"):
                raise ValueError(f"{m} takes no style type")
            if self.style_type not in styles:
                raise ValueError(f"unknown style {self.style_type!r}; one of {', '.join(styles)}")
        if self.rendering_speed:
            if legacy:
                raise ValueError(f"{m} takes no rendering speed (only V_3 does)")
            if self.rendering_speed not in enums.RENDERING_SPEEDS:
                raise ValueError(
                    f"unknown speed {self.rendering_speed!r}; "
                    f"one of {', '.join(enums.RENDERING_SPEEDS)}"
                )
        if self.negative_prompt and m not in enums.NEGATIVE_PROMPT_MODELS:
            raise ValueError(f"{m} takes no negative prompt")
        if self.color_palette and m not in enums.COLOR_PALETTE_MODELS:
            raise ValueError(f"{m} takes no color palette")
        if self.style_codes:
            if legacy:
                raise ValueError(f"{m} takes no style codes (only V_3 does)")
            if self.style_type:
                raise ValueError("style codes cannot be combined with a style type")
        return self

    # -- derived ---------------------------------------------------------------------------

    @property
    def endpoint(self) -> str:
        return enums.LEGACY_ENDPOINT if enums.is_legacy(self.model) else enums.V3_ENDPOINT

    @property
    def expected_resolution(self) -> str:
        """The size the API renders when no resolution is asked for (an estimate, §9)."""
        if self.resolution:
            return self.resolution
        return enums.ASPECT_TO_RESOLUTION[self.aspect_ratio or "1x1"]

    def canonical(self) -> dict[str, Any]:
        """The request with defaults filled in and keys sorted: what the fingerprint hashes.

        Never contains the API key; safe to store in the catalog and in sidecars.
        """
        data = self.model_dump(mode="json", exclude_none=True)
        data["endpoint"] = self.endpoint
        if not self.resolution:
            data.setdefault("aspect_ratio", "1x1")
        return dict(sorted(data.items()))

    def fingerprint(self) -> str:
        blob = json.dumps(self.canonical(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def wire_legacy_json(self) -> dict[str, Any]:
        """Body of ``POST /generate``: ``{"image_request": {...}}``."""
        req: dict[str, Any] = {"prompt": self.prompt, "model": self.model}
        if self.aspect_ratio:
            w, h = self.aspect_ratio.split("x")
            req["aspect_ratio"] = f"ASPECT_{w}_{h}"
        if self.resolution:
            req["resolution"] = "RESOLUTION_" + self.resolution.replace("x", "_")
        if self.magic_prompt:
            req["magic_prompt_option"] = self.magic_prompt
        for name in ("seed", "style_type", "negative_prompt"):
            value = getattr(self, name)
            if value is not None:
                req[name] = value
        req["num_images"] = self.num_images
        if self.color_palette:
            req["color_palette"] = self.color_palette.wire()
        return {"image_request": req}

    def wire_v3_multipart(self) -> list[tuple[str, str]]:
        """Form fields of ``POST /v1/ideogram-v3/generate``; arrays repeat, objects are JSON."""
        fields: list[tuple[str, str]] = [("prompt", self.prompt)]
        for name in (
            "seed", "aspect_ratio", "resolution", "rendering_speed", "magic_prompt",
            "negative_prompt", "style_type",
        ):  # fmt: skip
            value = getattr(self, name)
            if value is not None:
                fields.append((name, str(value)))
        fields.append(("num_images", str(self.num_images)))
        if self.color_palette:
            fields.append(
                ("color_palette", json.dumps(self.color_palette.wire(), separators=(",", ":")))
            )
        for code in self.style_codes or ():
            fields.append(("style_codes", code))
        return fields


def parse_params(**values: Any) -> GenerateParams:
    """Build :class:`GenerateParams`, turning pydantic's errors into one readable UserError."""
    try:
        return GenerateParams(**{k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        raise UserError(describe_validation_error(exc)) from None


def describe_validation_error(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors(include_url=False, include_input=False):
        loc = ".".join(str(p) for p in err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "is not a known parameter"
        parts.append(f"{loc}: {msg}" if loc else msg)
    return "invalid request: " + "; ".join(parts)
