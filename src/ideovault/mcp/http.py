"""MCP's streamable HTTP transport inside ``ideovault serve``, at ``/mcp``.

It is a route of the web application, so the web guard (``web/security.py``) stands in front of
it as in front of every REST route: off loopback the ``IDEOVAULT_TOKEN`` bearer token (or
whatever the guard checks), on loopback the Host check, and for POST/DELETE the
``X-Ideovault-Request: 1`` header that no cross-site page can send. No check of its own.

The SDK's session manager needs a task group that lives as long as the server; the web server
runs without ASGI lifespan, so the manager is started by the first MCP request, inside the
server's event loop, and ends when that loop is shut down.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import FastAPI
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from starlette.routing import Route

from ideovault.mcp.server import build_server
from ideovault.vault import Vault

MCP_PATH = "/mcp"
Scope = dict[str, Any]


class McpEndpoint:
    """An ASGI app that hands every HTTP request to the SDK's session manager."""

    def __init__(self, manager: StreamableHTTPSessionManager) -> None:
        self.manager = manager
        self._ready: asyncio.Event | None = None
        self._runner: asyncio.Task[None] | None = None

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await self._started()
        await self.manager.handle_request(scope, receive, send)

    async def _started(self) -> None:
        if self._ready is None:
            self._ready = asyncio.Event()
            self._runner = asyncio.get_running_loop().create_task(self._run(self._ready))
        await self._ready.wait()

    async def _run(self, ready: asyncio.Event) -> None:
        async with self.manager.run():
            ready.set()
            await asyncio.Event().wait()  # until the loop cancels it at shutdown


def mount_mcp(app: FastAPI, vault: Vault, host: str) -> str:
    """Serve the vault's MCP server on ``app`` at ``/mcp``; returns the path.

    ``host`` is the address the web server binds: on loopback the SDK also refuses foreign
    Host and Origin headers (DNS rebinding), as the guard does.
    """
    server = build_server(vault, local=False)
    server.streamable_http_app(streamable_http_path=MCP_PATH, host=host)  # makes the manager
    endpoint = McpEndpoint(server.session_manager)  # an ASGI app: Route passes every method
    app.router.routes.append(Route(MCP_PATH, endpoint, include_in_schema=False))
    return MCP_PATH
