"""`ideovault serve`: the gallery and the REST API in a browser, until Ctrl-C."""

from __future__ import annotations

import os

import typer

from ideovault.cli.app import GLOBALS, app
from ideovault.cli.output import say


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (off loopback: token)."),
    port: int = typer.Option(8765, "--port", help="Port to listen on (0: any free port)."),
    max_body: int = typer.Option(
        1 << 20, "--max-body", help="Largest request body accepted, in bytes."
    ),
    log_json: bool = typer.Option(
        False, "--log-json", help="One JSON line per request (request id, route, actor)."
    ),
) -> None:
    """Serve the gallery and the REST API (OpenAPI at /openapi.json).

    Binding anywhere but loopback requires IDEOVAULT_TOKEN (a long random secret; checked on
    every request, as 'Authorization: Bearer …' or via a first visit to /?token=…) or a team:
    once `ideovault user init` has made an admin, every request needs a personal key.
    """
    from ideovault.vault import people
    from ideovault.web import WebSettings, create_app
    from ideovault.web.serve import bind, make_server, url_of

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
    with GLOBALS.open_vault() as vault:
        team = people.is_team(vault)
        settings = WebSettings(
            host=host, port=port, token=token, max_body_bytes=max_body, team=team
        ).check()
        application = create_app(vault, settings)
        sock = bind(settings)
        url = url_of(sock)
        say(f"gallery: {url}/   REST API: {url}/api/images   OpenAPI: {url}/openapi.json")
        if team:
            say(f"team vault: sign in at {url}/signin with a personal key (`ideovault key create`)")
        elif token:
            say("sign in once with the link ending in ?token=<IDEOVAULT_TOKEN>")
        say("press Ctrl-C to stop")
        try:
            make_server(application).run(sockets=[sock])
        finally:
            sock.close()
