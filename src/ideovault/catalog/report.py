"""The report's queries, reached as ``catalog.report``: the running totals (kept by the
triggers of ``aggregates.py``), their exact recount, and the largest and oldest images (index
walks)."""

# ruff: noqa: S608  (the SQL here is assembled from aggregates' constants; no input reaches it)

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, func, select

from ideovault.catalog.aggregates import DIMENSIONS, TABLE, Dimension, Row, recount_sql, row_of
from ideovault.catalog.schema import batch_items, generations, images

LIVE = images.c.trashed_at.is_(None)


class ReportQueries:
    """What ``vault.images.report`` reads; built from the engine alone."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def totals(self) -> list[Row]:
        """The running totals: a few hundred rows, whatever the number of images."""
        query = f"SELECT dimension, key, model, speed, images, bytes FROM {TABLE} WHERE images <> 0"
        with self.engine.connect() as conn:
            return [row_of(r) for r in conn.exec_driver_sql(query)]

    def recount(self, dims: Sequence[Dimension] = DIMENSIONS) -> list[Row]:
        """The same totals counted from every row (``report --exact``): slow, and the
        reference."""
        with self.engine.connect() as conn:
            sql = recount_sql(self.engine.dialect.name, dims)
            return [row_of(r) for r in conn.exec_driver_sql(sql)]

    def extremes(self, *, limit: int = 5) -> dict[str, list[dict[str, Any]]]:
        cols = [images.c.id, images.c.prompt, images.c.size_bytes, images.c.created_at]
        largest = (
            select(*cols)
            .where(LIVE, images.c.size_bytes.is_not(None))
            .order_by(images.c.size_bytes.desc())
            .limit(limit)
        )
        oldest = select(*cols).where(LIVE).order_by(images.c.created_at.asc()).limit(limit)
        with self.engine.connect() as conn:
            return {
                "largest": [dict(r._mapping) for r in conn.execute(largest)],
                "oldest": [dict(r._mapping) for r in conn.execute(oldest)],
            }

    def gauges(self) -> dict[str, dict[str, float]]:
        """What ``/metrics`` reports at each scrape (cheap grouped counts): images by status,
        generations and estimated spend by outcome, the batch queue's depth."""
        g = generations.c
        by_outcome = select(g.status, func.count(), func.coalesce(func.sum(g.cost_usd), 0.0))
        queue = select(batch_items.c.status, func.count()).where(
            batch_items.c.status.in_(("queued", "claimed"))
        )
        by_status = select(images.c.status, func.count())
        with self.engine.connect() as conn:
            outcomes = list(conn.execute(by_outcome.group_by(g.status)))
            queued = list(conn.execute(queue.group_by(batch_items.c.status)))
            counts = list(conn.execute(by_status.group_by(images.c.status)))
        return {
            "images": {str(s): float(n) for s, n in counts},
            "generations": {str(s): float(n) for s, n, _ in outcomes},
            "spend_usd": {str(s): float(usd) for s, _, usd in outcomes},
            "batch_queue": {str(s): float(n) for s, n in queued},
        }
