"""`ideovault serve`: the gallery and the REST API in a browser, until Ctrl-C."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated

import typer

from ideovault.cli.app import GLOBALS, app
from ideovault.cli.output import say
from ideovault.errors import UserError

if TYPE_CHECKING:
    import socket

    from fastapi import FastAPI

    from ideovault.vault import Vault


@app.command()
def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to bind (off loopback: token).")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", help="Port to listen on (0: any free port).")
    ] = 8765,
    max_body: Annotated[
        int, typer.Option("--max-body", help="Largest request body accepted, in bytes.")
    ] = 1 << 20,
    workers: Annotated[
        int, typer.Option("--workers", min=1, max=64, help="Server processes (about one per core).")
    ] = 1,
    mcp: Annotated[
        bool,
        typer.Option(
            "--mcp", help="Also serve MCP (streamable HTTP) at /mcp; needs ideovault[mcp]."
        ),
    ] = False,
    log_json: Annotated[
        bool,
        typer.Option("--log-json", help="One JSON line per request (request id, route, actor)."),
    ] = False,
) -> None:
    """Serve the gallery and the REST API (OpenAPI at /openapi.json).

    Binding anywhere but loopback requires IDEOVAULT_TOKEN (a long random secret; checked on
    every request, as 'Authorization: Bearer …' or via a first visit to /?token=…) or a team:
    once `ideovault user init` has made an admin, every request needs a personal key.
    """
    from ideovault.web import WebSettings, create_app
    from ideovault.web.serve import bind, make_server, run_workers, url_of

    if mcp:
        from ideovault.cli.mcp import require_sdk

        require_sdk()
    token = os.environ.get("IDEOVAULT_TOKEN") or None
    WebSettings(host=host, port=port, token=token, max_body_bytes=max_body, team=True).check()
    if log_json:
        import logging
        import sys

        from ideovault.web.metrics import JsonFormatter

        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        logger = logging.getLogger("ideovault")
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    with GLOBALS.open_vault() as vault:  # a bad configuration fails here, once, before forking
        team = vault.people.is_team()
    oidc = GLOBALS.settings().oidc  # sign-in by the team's identity provider (config_oidc.py)
    if oidc is not None:
        from ideovault.errors import needs_extra

        with needs_extra("oidc", "signing in with OpenID Connect"):
            import ideovault.web.oidc  # noqa: F401  (fails here, not in each worker)
    if mcp and team:  # MCP's route is not behind the per-route role checks of the REST API
        raise UserError(
            "serve --mcp is not available on a team vault yet (its tools are not checked "
            "against roles); assistants can use `ideovault mcp` over stdio on their machine"
        )
    settings = WebSettings(
        host=host, port=port, token=token, max_body_bytes=max_body, team=team, oidc=oidc
    ).check()

    def build(vault: Vault) -> FastAPI:
        application = create_app(vault, settings)
        if mcp:
            from ideovault.mcp.http import mount_mcp

            mount_mcp(application, vault, settings.host)
        return application

    def announce(sock: socket.socket) -> None:
        url = url_of(sock)
        say(f"gallery: {url}/   REST API: {url}/api/images   OpenAPI: {url}/openapi.json")
        if mcp:
            say(f"MCP (streamable HTTP): {url}/mcp")
        if team:
            say(f"team vault: sign in at {url}/signin with a personal key (`ideovault key create`)")
            if oidc is not None:
                say(f"  or with OpenID Connect ({oidc.issuer}) at {url}/oidc/login")
        elif token:
            say("sign in once with the link ending in ?token=<IDEOVAULT_TOKEN>")
        say("press Ctrl-C to stop" + (f" ({workers} worker processes)" if workers > 1 else ""))

    if workers == 1:
        with GLOBALS.open_vault() as vault:
            application = build(vault)
            sock = bind(settings)
            announce(sock)
            try:
                make_server(application).run(sockets=[sock])
            finally:
                sock.close()
        return

    def serve_one() -> None:  # in each worker process: its own vault, pools and app
        with GLOBALS.open_vault() as vault:
            make_server(build(vault)).run(sockets=[sock])

    sock = bind(settings)
    announce(sock)
    try:
        if run_workers(sock, workers, serve_one):
            raise typer.Exit(1)
    finally:
        sock.close()
