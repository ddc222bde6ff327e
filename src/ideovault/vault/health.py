"""Is the vault able to serve: the catalog answers a query and the blob store a lookup.

Used by the server's ``/readyz`` (a load balancer sends traffic only when both answer) and
kept apart from ``/healthz``, which only says the process is alive and never touches either.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ideovault.vault.context import VaultContext

log = logging.getLogger("ideovault.health")
PROBE_KEY = "ideovault-readiness-probe"  # never stored: asking whether it exists is the probe


def readiness(ctx: VaultContext) -> dict[str, str]:
    """``{"database": "ok" | "unreachable", "store": …}``; never an error message (it could
    name a host or a credential), which the server log has instead."""
    result = {"database": "ok", "store": "ok"}
    try:
        ctx.catalog.ping()
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
    return ctx.catalog.report.gauges()
