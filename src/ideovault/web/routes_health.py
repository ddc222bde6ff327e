"""``/healthz`` (the process answers), ``/readyz`` (the catalog and the store answer), and
``/metrics`` (Prometheus text format; see ``web/metrics.py``).

The first two are public, like every orchestrator expects: they say "ok" or "unreachable" and
nothing else, so they tell an anonymous caller nothing about the vault. ``/metrics`` needs
``images:read`` (a scraper gets a read-only key), since spend and counts are the team's.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from ideovault.vault import health
from ideovault.web.deps import VaultDep

router = APIRouter(tags=["operations"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """Liveness: answers as long as the server process does."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(vault: VaultDep) -> JSONResponse:
    """Readiness: 200 when the catalog and the blob store answer, else 503."""
    checks = health.readiness(vault.context)
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse(
        {"status": "ok" if ready else "unavailable", **checks}, 200 if ready else 503
    )


@router.get("/metrics", response_class=Response)
def metrics(request: Request) -> Response:
    """Requests and latencies by route, generations by outcome, spend, queue depth, images."""
    registry = request.app.state.metrics.registry
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
