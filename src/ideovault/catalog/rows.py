"""Turning database rows into records, with the timezone fix SQLite needs."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from ideovault.catalog.records import GenerationRecord, ImageRecord

DATE_FIELDS = ("url_expires_at", "created_at", "stored_at", "answered_at", "trashed_at")


def utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything we store is UTC, so say so."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def image_from_row(row: Mapping[Any, Any], tags: tuple[str, ...] = ()) -> ImageRecord:
    data = dict(row)
    data["index"] = data.pop("idx")
    data.pop("tags_text", None)
    data.pop("descriptions_text", None)
    data.pop("search_vector", None)
    for name in DATE_FIELDS:
        if name in data:
            data[name] = utc(data[name])
    return ImageRecord(**data, tags=tags)


def generation_from_row(row: Mapping[Any, Any]) -> GenerationRecord:
    data = dict(row)
    response = data.pop("response", None)
    if isinstance(response, dict) and isinstance(response.get("generation_id"), str):
        data["remote_id"] = response["generation_id"]  # an async generation (4.0)
    for name in DATE_FIELDS:
        if name in data:
            data[name] = utc(data[name])
    return GenerationRecord(**data)


def generation_to_row(generation: GenerationRecord) -> dict[str, Any]:
    """The columns of a generation row; an async generation's remote id goes into ``response``
    (where :meth:`Catalog.note_submitted` keeps it), since it has no column of its own."""
    row = generation.model_dump(exclude={"remote_id"})
    if generation.remote_id:
        row["response"] = {"generation_id": generation.remote_id}
    return row
