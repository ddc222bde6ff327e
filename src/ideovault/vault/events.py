"""Progress events the vault emits, so a CLI can draw a bar and a server can stay quiet."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from ideovault.catalog.records import ImageRecord


@dataclass(frozen=True)
class Event:
    kind: Literal["sent", "answered", "image", "reused"]
    generation_id: str
    total: int = 0
    image: ImageRecord | None = None


EventSink = Callable[[Event], None]
