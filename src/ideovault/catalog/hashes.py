"""Perceptual hashes, reached as ``catalog.phashes``: the inputs of similar-image search and
of its backfill."""

from __future__ import annotations

from sqlalchemy import Engine, select, update

from ideovault.catalog.images import ImageRepository
from ideovault.catalog.records import ImageRecord, ImageStatus
from ideovault.catalog.schema import images


class PhashStore:
    """The ``phash`` column of the images; built from the engine alone."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def all(self) -> list[tuple[str, str]]:
        """(id, phash) of every live image that has one: the input of similarity search."""
        query = (
            select(images.c.id, images.c.phash)
            .where(images.c.phash.is_not(None), images.c.trashed_at.is_(None))
            .order_by(images.c.id)
        )
        with self.engine.connect() as conn:
            return [(str(i), str(h)) for i, h in conn.execute(query)]

    def missing(self, *, limit: int = 500, after_id: str = "") -> list[ImageRecord]:
        """Stored images without a hash yet, in id order after ``after_id`` (a page)."""
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
        return ImageRepository(self.engine).fetch(query)

    def set(self, image_id: str, phash: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(images).where(images.c.id == image_id).values(phash=phash))
