"""The catalog's records, as the rest of the program (and JSON output) sees them.

Field names are the JSON contract of docs/architecture.md; changing one breaks users' scripts.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, field_serializer


class ImageStatus(StrEnum):
    PENDING = "pending"  # answered by the API, bytes not yet stored
    STORED = "stored"  # bytes in the blob store, sha256 checked
    EXPIRED = "expired"  # the link died before we could download it
    FAILED = "failed"  # downloads kept failing (corrupt, truncated) — see `error`
    UNSAFE = "unsafe"  # the API withheld the image (is_image_safe false, no url); still billed
    LOST = "lost"  # was stored, but its file is gone and no identical copy exists (verify)


class GenerationStatus(StrEnum):
    REQUESTED = "requested"  # row written, call sent or about to be; no answer yet
    ANSWERED = "answered"  # the API answered with images (rows exist for each)
    FAILED = "failed"  # the API refused (4xx/5xx after retries): not billed
    UNKNOWN = "unknown"  # sent, never answered (crash, dropped connection): may be billed


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat().replace("+00:00", "Z")


class ImageRecord(BaseModel):
    """One image of one generation: the unit users search, tag, keep and delete."""

    model_config = ConfigDict(frozen=True)

    id: str
    generation_id: str
    index: int = 0
    prompt: str
    expanded_prompt: str | None = None
    negative_prompt: str | None = None
    model: str
    style_type: str | None = None
    aspect_ratio: str | None = None
    rendering_speed: str | None = None
    magic_prompt: str | None = None
    seed: int | None = None
    resolution: str | None = None
    is_safe: bool = True
    original_url: str | None = None
    url_expires_at: datetime | None = None
    stored_uri: str | None = None
    blob_key: str | None = None
    local_path: str | None = None
    public_url: str | None = None  # IDEOVAULT_PUBLIC_BASE_URL + blob key, when configured
    sha256: str | None = None
    size_bytes: int | None = None
    width: int | None = None
    height: int | None = None
    mime: str | None = None
    phash: str | None = None
    status: ImageStatus = ImageStatus.PENDING
    error: str | None = None
    tags: tuple[str, ...] = ()
    starred: bool = False
    parent_id: str | None = None
    operation: str | None = None  # what made it: generate, remix, edit, ..., upload, import
    descriptions: list[dict[str, Any]] | None = None  # what `describe` said of it
    rating: int | None = None  # 1-5, set by a person; None = not rated
    creator: str | None = None  # who generated, uploaded or imported it (a person's name)
    created_at: datetime
    stored_at: datetime | None = None
    trashed_at: datetime | None = None

    @field_serializer("url_expires_at", "created_at", "stored_at", "trashed_at", when_used="json")
    def _dates(self, value: datetime | None) -> str | None:
        return _iso(value)

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class GenerationRecord(BaseModel):
    """One API call: what was asked (without secrets), what came back, and its outcome."""

    model_config = ConfigDict(frozen=True)

    id: str
    endpoint: str
    operation: str = "generate"
    model: str
    request: dict[str, Any]
    fingerprint: str
    status: GenerationStatus
    error: str | None = None
    owner: str | None = None  # "host:pid" of the process that sent it; recover skips live ones
    num_images: int = 0
    cost_usd: float | None = None  # estimated: images x the price table's rate
    created_at: datetime
    answered_at: datetime | None = None
    # The API's own id of a 4.0 async generation: what `recover` polls to collect it. Kept in
    # the row's response JSON (no column of its own; see GenerationRepository.note_submitted).
    remote_id: str | None = None

    @field_serializer("created_at", "answered_at", when_used="json")
    def _dates(self, value: datetime | None) -> str | None:
        return _iso(value)

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class NewImage(BaseModel):
    """What the vault knows about an image the API just returned, before anything is stored."""

    model_config = ConfigDict(frozen=True)

    id: str
    index: int
    prompt: str
    expanded_prompt: str | None
    negative_prompt: str | None
    model: str
    style_type: str | None
    aspect_ratio: str | None
    rendering_speed: str | None
    magic_prompt: str | None
    seed: int | None
    resolution: str | None
    is_safe: bool
    original_url: str | None
    url_expires_at: datetime | None
    tags: tuple[str, ...] = ()
    parent_id: str | None = None
    operation: str | None = None
    creator: str | None = None
    created_at: datetime


class StoredInfo(BaseModel):
    """What the blob store reports once an image's bytes are safely stored."""

    model_config = ConfigDict(frozen=True)

    sha256: str
    size_bytes: int
    width: int
    height: int
    mime: str
    phash: str | None = None
    blob_key: str
    stored_uri: str
    local_path: str | None
    stored_at: datetime
