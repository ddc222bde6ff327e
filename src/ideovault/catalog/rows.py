"""Turning database rows into records, with the timezone fix SQLite needs, and the two lookups
every repository shares: the tags of some images and an id given by a prefix."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select

from ideovault.catalog.records import GenerationRecord, ImageRecord
from ideovault.catalog.schema import image_tags
from ideovault.errors import AmbiguousId, NotFound
from ideovault.ids import normalize_prefix

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
    (where :meth:`GenerationRepository.note_submitted` keeps it), having no column of its own."""
    row = generation.model_dump(exclude={"remote_id"})
    if generation.remote_id:
        row["response"] = {"generation_id": generation.remote_id}
    return row


def tags_of(conn: Connection, ids: list[str]) -> dict[str, tuple[str, ...]]:
    """The tags of each image, sorted, in a few queries whatever the number of ids."""
    if not ids:
        return {}
    found: dict[str, list[str]] = defaultdict(list)
    for start in range(0, len(ids), 500):  # stay under bound-parameter limits
        chunk = ids[start : start + 500]
        query = (
            select(image_tags.c.image_id, image_tags.c.tag)
            .where(image_tags.c.image_id.in_(chunk))
            .order_by(image_tags.c.image_id, image_tags.c.tag)
        )
        for image_id, tag in conn.execute(query):
            found[image_id].append(tag)
    return {k: tuple(v) for k, v in found.items()}


def resolve_id(conn: Connection, table: Any, text: str, what: str) -> str:
    """An exact id or a unique prefix, looked up by a range scan of the primary key."""
    prefix = normalize_prefix(text)
    if prefix is None:
        raise NotFound(f"no {what} with id {text[:60]!r} (ids are hexadecimal, like 0193a5c2)")
    upper = prefix + "\uffff"
    query = (
        select(table.c.id)
        .where(table.c.id >= prefix, table.c.id < upper)
        .order_by(table.c.id)
        .limit(6)
    )
    found = list(conn.execute(query).scalars())
    if prefix in found:
        return prefix
    if not found:
        raise NotFound(f"no {what} with id {text[:60]!r}; `ideovault list` shows ids")
    if len(found) > 1:
        shown = ", ".join(f[:13] for f in found[:5])
        raise AmbiguousId(f"id prefix {text!r} matches several {what}s ({shown}…): type more")
    return str(found[0])
