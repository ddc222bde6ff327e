"""The API's answers, parsed tolerantly: optional fields may be missing or null, extra fields
are ignored (and kept in ``raw``)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlparse

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ideovault.api.errors import BadResponse


def expiry_from_url(url: str | None) -> datetime | None:
    """The ``exp`` query value looks like the link's expiry in Unix seconds (uncertain, §2.1)."""
    if not url:
        return None
    values = parse_qs(urlparse(url).query).get("exp")
    if not values:
        return None
    try:
        return datetime.fromtimestamp(int(values[0]), tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None


class ResponseImage(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    url: str | None = None
    prompt: str
    resolution: str
    upscaled_resolution: str | None = None
    is_image_safe: bool
    seed: int | None = Field(ge=0)  # None only where the route reports none (remove-background)
    style_type: str | None = None

    @field_validator("url", mode="before")
    @classmethod
    def _empty_url(cls, v: Any) -> Any:
        return v or None

    @property
    def url_expires_at(self) -> datetime | None:
        return expiry_from_url(self.url)


class GenerateResponse(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    created: datetime
    images: list[ResponseImage] = Field(alias="data")
    raw: dict[str, Any] = Field(default_factory=dict, exclude=True)

    @field_validator("created")
    @classmethod
    def _utc(cls, v: datetime) -> datetime:
        return v.replace(tzinfo=UTC) if v.tzinfo is None else v

    @classmethod
    def parse(cls, body: Any, fill: dict[str, Any] | None = None) -> GenerateResponse:
        """``fill``: values for item keys a route leaves out (remove-background answers only
        ``url`` and ``is_image_safe``, §2.2); keys the API did send always win."""
        if not isinstance(body, dict):
            raise BadResponse("the API answered with something that is not a JSON object")
        data = body.get("data")
        if fill and isinstance(data, list):
            data = [{**fill, **item} if isinstance(item, dict) else item for item in data]
        try:
            return cls.model_validate({**body, "data": data, "raw": body})
        except ValidationError as exc:
            first = exc.errors(include_url=False, include_input=False)[0]
            where = ".".join(str(p) for p in first["loc"])
            raise BadResponse(
                f"the API's answer is not in the documented shape ({where}: {first['msg']})"
            ) from None


class DescribeResponse(BaseModel):
    """``/describe``: ``{"descriptions": [{"text": ...}]}``; both keys formally optional (§2.2)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    texts: list[str]
    raw: dict[str, Any] = Field(default_factory=dict, exclude=True)

    @classmethod
    def parse(cls, body: Any) -> DescribeResponse:
        if not isinstance(body, dict):
            raise BadResponse("the API answered with something that is not a JSON object")
        items = body.get("descriptions") or []
        if not isinstance(items, list):
            raise BadResponse("the API's descriptions are not a list")
        texts = [
            item["text"]
            for item in items
            if isinstance(item, dict) and isinstance(item.get("text"), str) and item["text"]
        ]
        return cls(texts=texts, raw=body)


def _object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise BadResponse("the API answered with something that is not a JSON object")
    return body


def _json_prompt(body: dict[str, Any]) -> dict[str, Any]:
    value = body.get("json_prompt")
    if isinstance(value, str):  # tolerate it arriving as JSON text
        try:
            value = json.loads(value)
        except ValueError:
            value = None
    if not isinstance(value, dict):
        raise BadResponse("the API's answer has no json_prompt object")
    return value


class MagicPromptResponse(BaseModel):
    """4.0 magic-prompt: the JSON prompt as the API wrote it (kept verbatim: its keys may come
    in any order and may grow) and the aspect ratio it resolved (§6.3)."""

    model_config = ConfigDict(frozen=True)

    json_prompt: dict[str, Any]
    aspect_ratio: str | None = None

    @classmethod
    def parse(cls, body: Any) -> MagicPromptResponse:
        data = _object(body)
        ratio = data.get("aspect_ratio")
        return cls(
            json_prompt=_json_prompt(data), aspect_ratio=ratio if isinstance(ratio, str) else None
        )


class JsonPromptResponse(BaseModel):
    """4.0 describe: ``{"json_prompt": ...}`` (§2.2)."""

    model_config = ConfigDict(frozen=True)

    json_prompt: dict[str, Any]
    raw: dict[str, Any] = Field(default_factory=dict, exclude=True)

    @classmethod
    def parse(cls, body: Any) -> JsonPromptResponse:
        data = _object(body)
        return cls(json_prompt=_json_prompt(data), raw=data)


class PollResult(BaseModel):
    """``GET /v1/generations/{id}`` (§6.3, §8): pending, then completed (with the images, in
    ``response``) or failed. An unknown status is kept as it came and treated as pending."""

    model_config = ConfigDict(frozen=True)

    generation_id: str
    status: str
    response: GenerateResponse | None = None
    raw: dict[str, Any] = Field(default_factory=dict, exclude=True)

    @property
    def done(self) -> bool:
        return self.status in ("completed", "failed")

    @classmethod
    def parse(cls, body: Any, generation_id: str) -> PollResult:
        data = _object(body)
        status = data.get("status")
        if not isinstance(status, str):
            raise BadResponse("the poll answer has no status")
        response = GenerateResponse.parse(data) if status == "completed" else None
        gid = data.get("generation_id")
        return cls(
            generation_id=gid if isinstance(gid, str) else generation_id,
            status=status,
            response=response,
            raw=data,
        )


class LayerizeResponse(BaseModel):
    """``/v1/ideogram-v3/layerize-text`` (§2.2): the picture without its text
    (``base_image_url``), the seed, and the text as editable blocks. ``text_blocks`` is in the
    examples and the server spec but not the public schema, so it may be missing: then empty.
    Blocks are kept as the API sent them (their keys may grow)."""

    model_config = ConfigDict(frozen=True)

    base_image_url: str
    original_image_url: str | None = None
    seed: int | None = None
    text_blocks: list[dict[str, Any]] = Field(default_factory=list)
    raw: dict[str, Any] = Field(default_factory=dict, exclude=True)

    @property
    def text(self) -> str:
        """Every block's text, in order, one per line: what search should find."""
        return "\n".join(str(b["text"]) for b in self.text_blocks if b.get("text"))

    @classmethod
    def parse(cls, body: Any) -> LayerizeResponse:
        data = _object(body)
        url = data.get("base_image_url")
        if not isinstance(url, str) or not url:
            raise BadResponse("the layerize answer has no base_image_url")
        original = data.get("original_image_url")
        seed = data.get("seed")
        blocks = data.get("text_blocks")
        return cls(
            base_image_url=url,
            original_image_url=original if isinstance(original, str) else None,
            seed=seed
            if isinstance(seed, int) and not isinstance(seed, bool) and seed >= 0
            else None,
            text_blocks=[b for b in blocks if isinstance(b, dict)]
            if isinstance(blocks, list)
            else [],
            raw=data,
        )

    def as_images(self, prompt: str, resolution: str) -> GenerateResponse:
        """The base image as a one-item image list, so it is recorded and downloaded like any
        output (the whole answer, text blocks included, stays in ``raw``)."""
        created = datetime.now(UTC).isoformat()
        item = {"url": self.base_image_url, "prompt": prompt, "resolution": resolution,
                "is_image_safe": True, "seed": self.seed}  # fmt: skip
        return GenerateResponse.parse({**self.raw, "created": created, "data": [item]})
