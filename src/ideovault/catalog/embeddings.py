"""Storage of prompt embeddings (plain float32 arrays, the same on SQLite and PostgreSQL), and
their codes in the vector index (catalog/vector_index.py), written in the same transaction.

The queue of work is implicit and exact: every live image without an embedding row for the
model (:meth:`EmbeddingStore.missing`), worked after each download and by ``backfill``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, and_, delete, func, insert, select, text

from ideovault.catalog import vector_index
from ideovault.catalog.schema import image_embeddings, images

EMBED_LOCK = 0x1DE0_E3BD  # an arbitrary advisory-lock key: the embedding queue's holder


class QueueTurn:
    """Whether this process may work the embedding queue now: always on SQLite (one process
    works a SQLite vault's batches); on PostgreSQL while it holds the queue's advisory lock,
    kept on one connection for the holder's life once taken."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def __call__(self) -> bool:
        if self._conn.dialect.name != "postgresql":
            return True
        taken = bool(
            self._conn.execute(text(f"SELECT pg_try_advisory_lock({EMBED_LOCK})")).scalar()
        )
        self._conn.commit()  # a session lock: it outlives the transaction that took it
        return taken

    def reset(self) -> None:
        """After a failed turn: end the connection's transaction, keep the lock."""
        self._conn.rollback()


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

    @contextmanager
    def queue_turns(self) -> Iterator[QueueTurn]:
        """A holder of turns at the queue, for one worker thread's life (the lock, once taken,
        is released when the thread's connection closes)."""
        with self.engine.connect() as conn:
            yield QueueTurn(conn)
