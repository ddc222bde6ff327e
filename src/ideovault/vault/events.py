"""Progress events the vault emits, so a CLI can draw a bar and a server can stay quiet."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from ideovault.catalog.records import ImageRecord


@dataclass(frozen=True)
class Event:
    # "submitted": a 4.0 async generation was accepted (its remote id is saved);
    # "waiting": one poll found it still running.
    kind: Literal["sent", "submitted", "waiting", "answered", "image", "reused"]
    generation_id: str
    total: int = 0
    image: ImageRecord | None = None


EventSink = Callable[[Event], None]
