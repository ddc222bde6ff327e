"""Storage of prompt embeddings (plain float32 arrays, the same on SQLite and PostgreSQL), and
their codes in the vector index (catalog/vector_index.py), written in the same transaction.

The queue of work is implicit and exact: every live image without an embedding row for the
model (:meth:`EmbeddingStore.missing`), worked after each download and by ``backfill``.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Engine, and_, delete, func, insert, select

from ideovault.catalog import vector_index
from ideovault.catalog.schema import image_embeddings, images


class EmbeddingStore:
    """Prompt embeddings, reached as ``catalog.embeddings``; built from the engine alone."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def missing(self, model: str, *, limit: int = 256) -> list[tuple[str, str]]:
        """(id, text to embed) of live images that have no embedding for ``model`` yet."""
        joined = images.outerjoin(
            image_embeddings,
            and_(image_embeddings.c.image_id == images.c.id, image_embeddings.c.model == model),
        )
        query = (
            select(images.c.id, images.c.prompt, images.c.expanded_prompt)
            .select_from(joined)
            .where(image_embeddings.c.image_id.is_(None), images.c.trashed_at.is_(None))
            .order_by(images.c.id)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [
                (str(i), p if not e or e == p else f"{p}\n{e}") for i, p, e in conn.execute(query)
            ]

    def save(self, model: str, rows: Sequence[tuple[str, bytes]]) -> None:
        if not rows:
            return
        with self.engine.begin() as conn:
            conn.execute(
                delete(image_embeddings).where(
                    image_embeddings.c.model == model,
                    image_embeddings.c.image_id.in_([i for i, _ in rows]),
                )
            )
            conn.execute(
                insert(image_embeddings),
                [{"image_id": i, "model": model, "vector": v} for i, v in rows],
            )
            vector_index.add(conn, model, rows)  # the old codes went with the old rows (cascade)

    def load(
        self, model: str, *, after: str = "", limit: int | None = None
    ) -> list[tuple[str, bytes]]:
        """Live images' embeddings for ``model`` in id order, from just after ``after``: a page of
        ``limit`` at a time, so that a scan holds one page in memory, never the whole vault.

        The embeddings drive the scan (a range of their primary key) and the trash is a lookup per
        row: as a join, SQLite walked every image to find the few that have an embedding."""
        trashed = (
            select(images.c.id)
            .where(images.c.id == image_embeddings.c.image_id, images.c.trashed_at.is_not(None))
            .exists()
        )
        query = (
            select(image_embeddings.c.image_id, image_embeddings.c.vector)
            .where(image_embeddings.c.model == model, image_embeddings.c.image_id > after, ~trashed)
            .order_by(image_embeddings.c.image_id)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [(str(i), bytes(v)) for i, v in conn.execute(query)]

    def count_missing(self, model: str) -> int:
        """How many live images still wait for an embedding (the queue's length)."""
        joined = images.outerjoin(
            image_embeddings,
            and_(image_embeddings.c.image_id == images.c.id, image_embeddings.c.model == model),
        )
        query = (
            select(func.count())
            .select_from(joined)
            .where(image_embeddings.c.image_id.is_(None), images.c.trashed_at.is_(None))
        )
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())
