"""Batch and batch-item records as the rest of the program (and ``--json``) sees them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from ideovault.catalog.records import _iso
from ideovault.catalog.rows import utc


class ItemStatus(StrEnum):
    QUEUED = "queued"  # validated, waiting for a worker
    CLAIMED = "claimed"  # leased by a worker, not sent yet: safe to give to another worker
    SENT = "sent"  # generation row written and the call made (or about to be): never re-sent
    DONE = "done"  # answered, every image stored (or withheld / expired, see its generation)
    FAILED = "failed"  # the API refused it (not billed), or it kept failing
    CANCELLED = "cancelled"  # cancelled before it was sent
    UNANSWERED = "unanswered"  # sent, never answered: may have been charged; resent on request


class BatchStatus(StrEnum):
    DRAFT = "draft"  # items still being written; never claimed
    OPEN = "open"  # workers may claim its items
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class BatchRecord:
    id: str
    name: str
    source: str | None
    created_at: datetime
    status: str
    total_items: int
    total_images: int
    estimated_usd: float
    options: dict[str, Any]

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> BatchRecord:
        data = dict(row)
        data["created_at"] = utc(data["created_at"])
        return cls(**data)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["created_at"] = _iso(self.created_at)
        return data


@dataclass(frozen=True)
class BatchItem:
    id: str
    batch_id: str
    line_no: int
    repeat_index: int
    request: dict[str, Any]
    num_images: int
    status: str
    claimed_by: str | None
    lease_expires_at: datetime | None
    attempts: int
    generation_id: str | None
    error: str | None
    updated_at: datetime

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> BatchItem:
        data = dict(row)
        data["lease_expires_at"] = utc(data["lease_expires_at"])
        data["updated_at"] = utc(data["updated_at"])
        return cls(**data)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["lease_expires_at"] = _iso(self.lease_expires_at)
        data["updated_at"] = _iso(self.updated_at)
        return data


@dataclass(frozen=True)
class BatchCounts:
    """Items by status, and the images of the generations they made, by image status."""

    items: dict[str, int]
    images: dict[str, int]

    @property
    def open_items(self) -> int:
        """Items some worker still has to do something about."""
        return sum(self.items.get(s, 0) for s in (ItemStatus.QUEUED, ItemStatus.CLAIMED))

    def to_json(self) -> dict[str, Any]:
        return {"items": dict(self.items), "images": dict(self.images)}
