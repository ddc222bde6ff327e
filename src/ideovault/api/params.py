"""Typed, validated requests to every image route (generate, remix, edit, upscale, reframe,
replace-background, describe, generate-transparent, remove-background, layerize-text and
instruct — edit by instruction).

Everything a user can get wrong is caught here, before a request leaves the machine: a bad enum,
a ``num_images`` of 99, a mask of the wrong size or a GIF never cost a call. The model also owns
the canonical form whose hash is the request's fingerprint (``api.wire`` does the encodings).
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    InstanceOf,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ideovault.api import enums
from ideovault.api.checks import check_request
from ideovault.api.text import check_text
from ideovault.api.uploads import Upload
from ideovault.api.v4prompt import V4JsonPrompt
from ideovault.errors import UserError

_ASPECT_RE = re.compile(r"^(?:ASPECT_)?(\d{1,2})\s*[x:_X]\s*(\d{1,2})$", re.IGNORECASE)
_RES_RE = re.compile(r"^(?:RESOLUTION_)?(\d{3,4})\s*[x_X*]\s*(\d{3,4})$", re.IGNORECASE)
_STYLE_CODE_RE = re.compile(r"^[0-9A-Fa-f]{8}$")
_HEX_COLOR_RE = re.compile(r"^#([0-9a-fA-F]{3}){1,2}$")


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
    """One request to any image route, normalised. Field names are ours; ``api.wire`` gives the
    API's. ``operation`` and ``model`` choose the route (``endpoint``); the table in
    ``api.rules`` says which fields that route takes, and anything else is refused here.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    operation: str = "generate"
    prompt: str = ""
    model: str = enums.DEFAULT_MODEL
    negative_prompt: str | None = None
    seed: int | None = Field(default=None, ge=0, le=enums.MAX_SEED)
    aspect_ratio: str | None = None
    resolution: str | None = None
    style_type: str | None = None
    style_preset: str | None = None
    rendering_speed: str | None = None
    magic_prompt: Literal["AUTO", "ON", "OFF"] | None = None
    num_images: int = Field(default=1, ge=1, le=enums.MAX_NUM_IMAGES)
    color_palette: ColorPalette | None = None
    style_codes: tuple[str, ...] | None = None
    image_weight: int | None = Field(default=None, ge=1, le=100)
    resemblance: int | None = Field(default=None, ge=1, le=100)
    detail: int | None = Field(default=None, ge=1, le=100)
    describe_model_version: str | None = None
    # Ideogram 4.0 only: the structured prompt (§6.2), instead of ``prompt``; and what 4.0's
    # describe should include in the JSON prompt it answers with (§6.3).
    json_prompt: V4JsonPrompt | None = None
    include_bbox: bool | None = None
    include_style_descriptions: bool | None = None
    include_tags: bool | None = None
    # generate-transparent: X1 (the API's default), X2 or X4 — the output's size multiplier.
    upscale_factor: Literal["X1", "X2", "X4"] | None = None
    # instruct (/v1/edit): whether the result should have a transparent background.
    transparent_background: bool | None = None
    image: InstanceOf[Upload] | None = None
    mask: InstanceOf[Upload] | None = None
    style_reference_images: tuple[InstanceOf[Upload], ...] | None = None
    character_reference_images: tuple[InstanceOf[Upload], ...] | None = None
    character_reference_images_mask: tuple[InstanceOf[Upload], ...] | None = None
    # instruct (/v1/edit): up to 10 input files; the first is the parent of the outputs.
    # ``image_urls`` is not offered: Ideogram's links expire within the hour, so a recorded
    # request that names them could never be sent again — the vault uploads the bytes instead.
    images: tuple[InstanceOf[Upload], ...] | None = None

    @field_validator("prompt")
    @classmethod
    def _prompt(cls, v: str) -> str:
        return check_text(v, "the prompt") if v else ""

    @field_validator("negative_prompt")
    @classmethod
    def _negative(cls, v: str | None) -> str | None:
        return check_text(v, "the negative prompt") if v else None

    @field_validator(
        "model", "style_type", "style_preset", "rendering_speed", "magic_prompt",
        "describe_model_version", "operation", "upscale_factor", mode="before",
    )  # fmt: skip
    @classmethod
    def _upper(cls, v: Any, info: ValidationInfo) -> Any:
        if not isinstance(v, str):
            return v
        return v.strip().lower() if info.field_name == "operation" else v.strip().upper()

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

    @field_validator(
        "style_reference_images", "character_reference_images",
        "character_reference_images_mask", "images", mode="before",
    )  # fmt: skip
    @classmethod
    def _no_empty_lists(cls, v: Any) -> Any:
        return v or None

    @model_validator(mode="before")
    @classmethod
    def _route_model(cls, data: Any) -> Any:
        """Upscale, describe, remove-background and instruct have no model to choose: record
        what the route is."""
        if isinstance(data, dict):
            op = str(data.get("operation") or "").strip().lower()
            model = str(data.get("model") or "").strip().upper()
            if op == "describe" and model == enums.DESCRIBE_V4_MODEL:
                return {**data, "model": model}  # 4.0's describe: a JSON prompt, not text
            if op in ROUTE_MODELS:
                return {**data, "model": ROUTE_MODELS[op]}
        return data

    @model_validator(mode="after")
    def _combinations(self) -> GenerateParams:
        check_request(self)
        return self

    # -- derived ---------------------------------------------------------------------------

    @property
    def family(self) -> str:
        return enums.family(self.model)

    @property
    def display_prompt(self) -> str:
        """The words a person reads as the prompt: ``prompt``, or a JSON prompt's summary."""
        if not self.prompt and self.json_prompt is not None:
            return self.json_prompt.high_level_description
        return self.prompt

    @property
    def endpoint(self) -> str:
        if self.operation == "generate":
            return {
                "legacy": enums.LEGACY_ENDPOINT, "v3": enums.V3_ENDPOINT, "v4": enums.V4_ENDPOINT,
            }[self.family]  # fmt: skip
        return enums.OPERATION_ENDPOINTS[self.operation][self.family]

    @property
    def inputs(self) -> dict[str, tuple[Upload, ...]]:
        """Every uploaded file, by field name."""
        out: dict[str, tuple[Upload, ...]] = {}
        for name in UPLOAD_FIELDS:
            value = getattr(self, name)
            if value is not None:
                out[name] = value if isinstance(value, tuple) else (value,)
        return out

    @property
    def expected_resolution(self) -> str:
        """The size the API renders (an estimate where the API chooses, §9)."""
        if self.operation == "upscale" and self.image is not None:
            return f"{self.image.width * 2}x{self.image.height * 2}"
        keeps_size = ("edit", "replace-background", "remove-background", "layerize-text")
        if self.operation in keeps_size and self.image is not None:
            return self.image.size
        if self.operation == "generate-transparent":
            factor = int((self.upscale_factor or "X1")[1:])
            w, h = enums.ASPECT_TO_RESOLUTION[self.aspect_ratio or "1x1"].split("x")
            return f"{int(w) * factor}x{int(h) * factor}"
        if self.operation == "instruct" and self.images and not self.aspect_ratio:
            return self.resolution or self.images[0].size
        if self.resolution:
            return self.resolution
        if self.family == "v4":
            return enums.V4_DEFAULT_RESOLUTION
        return enums.ASPECT_TO_RESOLUTION[self.aspect_ratio or "1x1"]

    def canonical(self, with_ids: bool = True) -> dict[str, Any]:
        """The request with defaults filled in and keys sorted: what the fingerprint hashes.

        Files appear by their sha256 (and, with ``with_ids``, the vault record they came
        from, so a reproduction can send them again). Never contains the API key.
        """
        data = self.model_dump(mode="json", exclude_none=True, exclude=set(UPLOAD_FIELDS))
        if self.operation == "generate":
            data.pop("operation", None)  # implied by the endpoint; keeps old fingerprints
        if not data.get("prompt"):
            data.pop("prompt", None)
        data["endpoint"] = self.endpoint
        shaped = ("generate", "remix", "generate-transparent")
        implicit_ratio = self.operation in shaped and self.family != "v4"
        if implicit_ratio and not self.resolution:
            data.setdefault("aspect_ratio", "1x1")
        if self.operation == "generate-transparent":
            data.setdefault("upscale_factor", "X1")  # the API's default: same request, same hash
        for name, files in self.inputs.items():
            described = [f.describe() for f in files]
            if not with_ids:
                described = [{k: v for k, v in d.items() if k != "image_id"} for d in described]
            data[name] = described[0] if name in SINGLE_UPLOADS else described
        return dict(sorted(data.items()))

    def fingerprint(self) -> str:
        blob = json.dumps(self.canonical(with_ids=False), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


UPLOAD_FIELDS = (
    "image", "mask", "style_reference_images", "character_reference_images",
    "character_reference_images_mask", "images",
)  # fmt: skip
SINGLE_UPLOADS = ("image", "mask")
ROUTE_MODELS = {
    "upscale": enums.UPSCALE_MODEL, "describe": enums.DESCRIBE_MODEL,
    "remove-background": enums.REMOVE_BACKGROUND_MODEL, "instruct": enums.INSTRUCT_MODEL,
}  # fmt: skip


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
