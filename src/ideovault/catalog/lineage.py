"""Reads and writes for lineage (parents, children) and for describe's texts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update

from ideovault.catalog.records import ImageRecord
from ideovault.catalog.schema import images
from ideovault.catalog.store import Catalog

# SQLite allows 32766 bound parameters; stay far below for any database.
_CHUNK = 500


def children_of(catalog: Catalog, parent_ids: Sequence[str]) -> list[ImageRecord]:
    """Every image whose parent is one of ``parent_ids`` (an index scan on parent_id)."""
    out: list[ImageRecord] = []
    for start in range(0, len(parent_ids), _CHUNK):
        chunk = list(parent_ids[start : start + _CHUNK])
        out += catalog.fetch_images(
            select(images).where(images.c.parent_id.in_(chunk)).order_by(images.c.id)
        )
    return out


def add_descriptions(catalog: Catalog, image_id: str, entries: list[dict[str, Any]]) -> None:
    """Append describe's texts to the image (kept, never replaced: each call is paid for)."""
    with catalog.engine.begin() as conn:
        current = conn.execute(
            select(images.c.descriptions).where(images.c.id == image_id)
        ).scalar_one()
        merged = [*(current or []), *entries]
        flat = " ".join(str(e.get("text", "")) for e in merged)
        conn.execute(
            update(images)
            .where(images.c.id == image_id)
            .values(descriptions=merged, descriptions_text=flat)
        )
