"""Failures become clear HTTP answers: the vault's errors keep their meaning, bugs say little.

A :class:`UserError` is the caller's mistake (400; 404 for an unknown id, 409 for an ambiguous
prefix; 501 for a feature whose optional extra the server lacks); any other
:class:`IdeovaultError` is an operation that failed further along — the Ideogram API, the blob
store — so 502. Anything else is a bug: 500 with a fixed message and the
traceback in the server log only, never in the response.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from ideovault.errors import AmbiguousId, IdeovaultError, MissingExtra, NotFound, UserError

log = logging.getLogger("ideovault.web")


def status_for(exc: IdeovaultError) -> int:
    if isinstance(exc, MissingExtra):  # the server's setup lacks a feature, not the client
        return 501
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, AmbiguousId):
        return 409
    if isinstance(exc, UserError):
        return 400
    return 502


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(IdeovaultError)
    async def _vault_error(request: Request, exc: IdeovaultError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=status_for(exc))

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        # A browser opening a page of a team vault without a session gets the sign-in page
        # (and comes back here after it); scripts and API clients get the 401 itself.
        path = request.url.path
        page = request.method == "GET" and not path.startswith(("/api/", "/static/"))
        if exc.status_code == 401 and page and "text/html" in request.headers.get("accept", ""):
            return RedirectResponse("/signin?next=" + quote(path, safe="/"), status_code=303)
        return await http_exception_handler(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _wrong_shape(request: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's own handler echoes each bad value back, and a value JSON cannot hold
        # (1e999 parses as inf) then made the error answer itself fail with a 500
        errors = [{k: e[k] for k in ("loc", "msg", "type") if k in e} for e in exc.errors()]
        return JSONResponse({"detail": errors}, status_code=422)

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> JSONResponse:
        log.exception("internal error on %s %s", request.method, request.url.path)
        return JSONResponse(
            {"detail": "internal error; the server log has the details"}, status_code=500
        )
