"""``create_app``: the FastAPI application for one open vault.

The app does not own the vault: whoever opened it (``ideovault serve``, a test, a notebook)
closes it. Interactive docs pages are off because they load scripts from a CDN, which neither
this offline machine nor the Content-Security-Policy allows; the OpenAPI document itself is at
``/openapi.json``.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from ideovault.errors import needs_extra
from ideovault.vault import Vault
from ideovault.web import (
    errors,
    routes_admin,
    routes_batches,
    routes_curation,
    routes_curation_pages,
    routes_health,
    routes_images,
    routes_ops,
    routes_pages,
    routes_remote,
    routes_shares,
)
from ideovault.web.auth import Lockout, authorize
from ideovault.web.deps import read_lane
from ideovault.web.metrics import Metrics, Observe
from ideovault.web.security import Guard, WebSettings

STATIC = Path(__file__).parent / "static"


def create_app(vault: Vault, settings: WebSettings | None = None) -> FastAPI:
    """The REST API under ``/api``, the gallery pages, and the guard in front of both.

    Raises UserError when the settings would expose the vault (off loopback without a token).
    """
    web = (settings or WebSettings()).check()
    app = FastAPI(
        title="ideovault",
        summary="Images generated with the Ideogram API: search, look at, keep and clean up.",
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        dependencies=[Depends(authorize)],  # every route: who asks, and may they (web/auth.py)
    )
    app.state.vault = vault
    app.state.web = web
    app.state.lockout = Lockout()
    app.state.read_lane = read_lane()
    errors.install(app)
    app.include_router(routes_images.router)
    app.include_router(routes_ops.router)
    app.include_router(routes_remote.router)
    app.include_router(routes_batches.router)
    app.state.batch_runs = routes_batches.Runs()
    app.include_router(routes_curation.router)
    app.include_router(routes_pages.router)
    app.include_router(routes_curation_pages.router)
    app.include_router(routes_admin.router)
    app.include_router(routes_health.router)
    app.include_router(routes_shares.router)
    app.include_router(routes_shares.api)
    if web.oidc is not None:  # sign-in by the team's identity provider (web/oidc.py)
        with needs_extra("oidc", "signing in with OpenID Connect"):
            from ideovault.web import oidc

        oidc.install(app, web.oidc)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(Guard, settings=web)
    app.state.metrics = Metrics(vault)
    app.add_middleware(Observe, metrics=app.state.metrics)  # outermost: counts refusals too
    return app
