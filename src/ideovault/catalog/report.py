"""Aggregates for `ideovault report`: GROUP BY in the database, one query per breakdown."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, case, func, select

from ideovault.catalog.schema import image_tags, images

LIVE = images.c.trashed_at.is_(None)


def _month(engine: Engine) -> Any:
    if engine.dialect.name == "postgresql":
        return func.to_char(images.c.created_at, "YYYY-MM")
    return func.substr(images.c.created_at, 1, 7)  # SQLite stores 'YYYY-MM-DD hh:mm:ss…'


def breakdown(engine: Engine, column: Any, *, limit: int = 50) -> list[dict[str, Any]]:
    """Images, bytes and the keys needed for cost, per value of ``column`` (live images)."""
    query = (
        select(
            column.label("key"),
            images.c.model,
            images.c.rendering_speed,
            func.count().label("images"),
            func.coalesce(func.sum(images.c.size_bytes), 0).label("bytes"),
        )
        .where(LIVE)
        .group_by(column, images.c.model, images.c.rendering_speed)
    )
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def by_tag(engine: Engine) -> list[dict[str, Any]]:
    query = (
        select(
            image_tags.c.tag.label("key"),
            images.c.model,
            images.c.rendering_speed,
            func.count().label("images"),
            func.coalesce(func.sum(images.c.size_bytes), 0).label("bytes"),
        )
        .join(images, images.c.id == image_tags.c.image_id)
        .where(LIVE)
        .group_by(image_tags.c.tag, images.c.model, images.c.rendering_speed)
    )
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def by_status(engine: Engine) -> dict[str, int]:
    state = case((images.c.trashed_at.is_not(None), "trashed"), else_=images.c.status)
    query = select(state.label("state"), func.count()).group_by(state)
    with engine.connect() as conn:
        return {str(s): int(n) for s, n in conn.execute(query)}


def extremes(engine: Engine, *, limit: int = 5) -> dict[str, list[dict[str, Any]]]:
    cols = [images.c.id, images.c.prompt, images.c.size_bytes, images.c.created_at]
    largest = (
        select(*cols)
        .where(LIVE, images.c.size_bytes.is_not(None))
        .order_by(images.c.size_bytes.desc())
        .limit(limit)
    )
    oldest = select(*cols).where(LIVE).order_by(images.c.created_at.asc()).limit(limit)
    with engine.connect() as conn:
        return {
            "largest": [dict(r._mapping) for r in conn.execute(largest)],
            "oldest": [dict(r._mapping) for r in conn.execute(oldest)],
        }


def month_column(engine: Engine) -> Any:
    return _month(engine)


def fields() -> dict[str, Any]:
    return {
        "model": images.c.model,
        "style": images.c.style_type,
        "aspect": images.c.aspect_ratio,
    }
