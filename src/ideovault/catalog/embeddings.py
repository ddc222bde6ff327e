"""Storage of prompt embeddings (plain float32 arrays, the same on SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, delete, insert, select

from ideovault.catalog.schema import image_embeddings, images
from ideovault.catalog.store import Catalog


def missing(catalog: Catalog, model: str, *, limit: int = 256) -> list[tuple[str, str]]:
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
    with catalog.engine.connect() as conn:
        return [(str(i), p if not e or e == p else f"{p}\n{e}") for i, p, e in conn.execute(query)]


def save(catalog: Catalog, model: str, rows: Sequence[tuple[str, bytes]]) -> None:
    if not rows:
        return
    with catalog.engine.begin() as conn:
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


def load(catalog: Catalog, model: str) -> list[tuple[str, bytes]]:
    """Every live image's embedding for ``model``."""
    query = (
        select(image_embeddings.c.image_id, image_embeddings.c.vector)
        .join(images, images.c.id == image_embeddings.c.image_id)
        .where(image_embeddings.c.model == model, images.c.trashed_at.is_(None))
    )
    with catalog.engine.connect() as conn:
        return [(str(i), bytes(v)) for i, v in conn.execute(query)]
