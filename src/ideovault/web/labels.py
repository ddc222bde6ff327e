"""The detail panel written for people: human labels, empty fields hidden, sizes and dates in
readable units. The raw record stays available behind "All fields"."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from ideovault.vault import ImageRecord
from ideovault.web.charts import human_bytes

LABELS = (
    ("seed", "Seed"), ("model", "Model"), ("style_type", "Style"), ("aspect_ratio", "Aspect"),
    ("resolution", "Resolution"), ("rendering_speed", "Speed"), ("magic_prompt", "Magic prompt"),
    ("expanded_prompt", "Expanded prompt"), ("negative_prompt", "Negative prompt"),
    ("operation", "Made by"), ("size_bytes", "File size"), ("dimensions", "Dimensions"),
    ("mime", "Format"), ("created_at", "Created"), ("stored_at", "Stored"),
    ("trashed_at", "Trashed"), ("status", "Status"), ("error", "Problem"),
    ("is_safe", "Safety"), ("id", "Image id"),
)  # fmt: skip
FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WebP"}


def _date(value: datetime) -> str:
    return value.strftime("%d %b %Y, %H:%M UTC")


def readable(record: ImageRecord) -> list[tuple[str, str]]:
    """(label, text) rows, only for fields with a value worth showing."""
    rows = []
    for name, label in LABELS:
        value: Any = getattr(record, name, None)
        if name == "dimensions":
            value = f"{record.width} x {record.height} px" if record.width else None
        elif name == "size_bytes" and value is not None:
            value = human_bytes(value)
        elif name == "mime" and value:
            value = FORMATS.get(value, value)
        elif isinstance(value, datetime):
            value = _date(value)
        elif name == "is_safe":
            value = None if value else "withheld by the API as unsafe"
        elif name == "status":
            value = None if value == "stored" else str(value)
        elif name == "operation" and value:
            value = str(value).replace("-", " ")
        if value is None or value == "":
            continue
        rows.append((label, str(value)))
    return rows


def raw(record: ImageRecord) -> str:
    data = record.to_json()
    data.pop("local_path", None)
    return json.dumps(data, indent=2, ensure_ascii=False)
