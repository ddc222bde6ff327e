"""Answers that misbehave on the wire: connections cut mid-answer, bodies streamed slowly.

ASGI has no "close the socket" message, so :class:`KeepRawSend` (the outermost layer of the
app) remembers the server's own ``send`` in the scope. Its owner is uvicorn's per-request cycle,
whose transport we close: the client then sees the connection end with no response at all
("drop") or mid-body ("truncate"), exactly as with a real network failure, and uvicorn logs
nothing because it sees a client that went away. If that hook is missing (another server), we
fall back to raising inside the response, which also ends the connection.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from starlette.responses import Response, StreamingResponse
from starlette.types import ASGIApp, Receive, Scope, Send

RAW_SEND = "ideogram_fake.raw_send"


class KeepRawSend:
    """ASGI middleware: put the server's ``send`` into the scope for :class:`CutConnection`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope[RAW_SEND] = send
        await self.app(scope, receive, send)


class ConnectionCut(ConnectionAbortedError):
    """Raised only in the fallback path, when the transport could not be reached."""


class CutConnection(Response):
    """Promise ``declared`` bytes, send ``partial`` (maybe nothing, maybe no headers), hang up."""

    def __init__(self, partial: bytes, declared: int, *, headers_first: bool, media: str) -> None:
        super().__init__(status_code=200, media_type=media)
        self._partial = partial
        self._declared = declared
        self._headers_first = headers_first

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        cycle: Any = getattr(scope.get(RAW_SEND), "__self__", None)
        transport: Any = getattr(cycle, "transport", None)
        if self._headers_first:
            headers = [
                (b"content-type", (self.media_type or "application/octet-stream").encode()),
                (b"content-length", str(self._declared).encode()),
            ]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            if self._partial:
                await send({"type": "http.response.body", "body": self._partial, "more_body": True})
        if transport is None or not hasattr(cycle, "disconnected"):
            raise ConnectionCut("fake fault: connection dropped")
        transport.close()  # close(), not abort(): what was written is flushed first
        for _ in range(200):  # let the server notice, so it neither logs nor answers 500
            if cycle.disconnected:
                return
            await asyncio.sleep(0.005)


def slow_stream(data: bytes, seconds: float, chunk: int, media: str) -> StreamingResponse:
    """The whole body with its Content-Length, in ``chunk``-byte pieces over ``seconds``."""
    chunk = max(1, chunk)
    pieces = max(1, -(-len(data) // chunk))

    async def body() -> AsyncIterator[bytes]:
        for start in range(0, len(data), chunk):
            await asyncio.sleep(seconds / pieces)
            yield data[start : start + chunk]

    return StreamingResponse(body(), media_type=media, headers={"Content-Length": str(len(data))})
