"""The report's largest and oldest images (index walks); its totals are in ``aggregates.py``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from ideovault.catalog.schema import images

LIVE = images.c.trashed_at.is_(None)


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
