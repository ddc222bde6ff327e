"""Perceptual-hash queries: the inputs of similar-image search and the backfill."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update

from ideovault.catalog.records import ImageRecord, ImageStatus
from ideovault.catalog.schema import images
from ideovault.catalog.store import Catalog


def phashes(catalog: Catalog) -> list[tuple[str, str]]:
    """(id, phash) of every live image that has one: the input of similarity search."""
    query = (
        select(images.c.id, images.c.phash)
        .where(images.c.phash.is_not(None), images.c.trashed_at.is_(None))
        .order_by(images.c.id)
    )
    with catalog.engine.connect() as conn:
        return [(str(i), str(h)) for i, h in conn.execute(query)]


def without_phash(catalog: Catalog, *, limit: int = 500, after_id: str = "") -> list[ImageRecord]:
    query = (
        select(images)
        .where(
            images.c.phash.is_(None),
            images.c.status == ImageStatus.STORED.value,
            images.c.id > after_id,
        )
        .order_by(images.c.id)
        .limit(limit)
    )
    return catalog.fetch_images(query)


def set_phash(catalog: Catalog, image_id: str, phash: str) -> None:
    with catalog.engine.begin() as conn:
        conn.execute(update(images).where(images.c.id == image_id).values(phash=phash))


def get_images(catalog: Catalog, ids: Sequence[str]) -> list[ImageRecord]:
    """Records for exact ids, in the order given (missing ids are skipped)."""
    found: dict[str, ImageRecord] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        for record in catalog.fetch_images(select(images).where(images.c.id.in_(chunk))):
            found[record.id] = record
    return [found[i] for i in ids if i in found]
