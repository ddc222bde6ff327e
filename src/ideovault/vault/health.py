"""Is the vault able to serve: the catalog answers a query and the blob store a lookup.

Used by the server's ``/readyz`` (a load balancer sends traffic only when both answer) and
kept apart from ``/healthz``, which only says the process is alive and never touches either.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy import text

if TYPE_CHECKING:
    from ideovault.vault.context import VaultContext

log = logging.getLogger("ideovault.health")
PROBE_KEY = "ideovault-readiness-probe"  # never stored: asking whether it exists is the probe


def readiness(ctx: VaultContext) -> dict[str, str]:
    """``{"database": "ok" | "unreachable", "store": …}``; never an error message (it could
    name a host or a credential), which the server log has instead."""
    result = {"database": "ok", "store": "ok"}
    try:
        with ctx.catalog.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:
        log.exception("readiness: the catalog did not answer")
        result["database"] = "unreachable"
    try:
        ctx.store.exists(PROBE_KEY)
    except Exception:
        log.exception("readiness: the blob store did not answer")
        result["store"] = "unreachable"
    return result


def gauges(ctx: VaultContext) -> dict[str, dict[str, float]]:
    """What ``/metrics`` reports at each scrape, read from the catalog (cheap grouped counts):
    images by status, generations by outcome, estimated spend by outcome, batch queue depth."""
    from sqlalchemy import func, select

    from ideovault.catalog.schema import batch_items, generations

    g = generations.c
    by_outcome = select(g.status, func.count(), func.coalesce(func.sum(g.cost_usd), 0.0))
    queue = select(batch_items.c.status, func.count()).where(
        batch_items.c.status.in_(("queued", "claimed"))
    )
    with ctx.catalog.engine.connect() as conn:
        outcomes = list(conn.execute(by_outcome.group_by(g.status)))
        queued = list(conn.execute(queue.group_by(batch_items.c.status)))
    return {
        "images": {k: float(v) for k, v in ctx.catalog.images.status_counts().items()},
        "generations": {str(s): float(n) for s, n, _ in outcomes},
        "spend_usd": {str(s): float(usd) for s, _, usd in outcomes},
        "batch_queue": {str(s): float(n) for s, n in queued},
    }
