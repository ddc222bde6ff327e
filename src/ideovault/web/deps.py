"""Shared request plumbing: the vault of this app, its read lane, and the one check every id
goes through."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Annotated, ParamSpec, TypeVar, cast

import anyio.to_thread
from anyio import CapacityLimiter
from fastapi import Depends, HTTPException, Request

from ideovault import ids
from ideovault.vault import Vault
from ideovault.web.security import WebSettings

P = ParamSpec("P")
T = TypeVar("T")

# Threads of the read lane per server process. Short catalog reads are mostly Python holding
# the GIL: run on the default pool's 40 threads, 200 concurrent clients kept dozens of them
# runnable at once and each request cost ~1.5x the CPU it costs alone (threads handing the GIL
# to each other); one lane thread serves them one after another at their cost alone
# (README, Performance: "Under load").
READ_THREADS = 1


def read_lane() -> CapacityLimiter:
    """A new lane for an app (each forked worker binds it to its own event loop on first use)."""
    return CapacityLimiter(READ_THREADS)


async def run_read(request: Request, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a short catalog read off the event loop, in the app's read lane. Work that waits on
    something slow (Ideogram, a remote store, an identity provider) stays on the default pool:
    it would hold the lane while it waits."""
    lane = cast(CapacityLimiter, request.app.state.read_lane)
    return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs), limiter=lane)


# The two dependencies are ``async``: a plain ``def`` dependency costs a thread hop per request.
async def get_vault(request: Request) -> Vault:
    return cast(Vault, request.app.state.vault)


VaultDep = Annotated[Vault, Depends(get_vault)]


async def get_web(request: Request) -> WebSettings:
    return cast(WebSettings, request.app.state.web)


WebDep = Annotated[WebSettings, Depends(get_web)]


def clean_id(raw: str) -> str:
    """An id or unique prefix, or 400. Only hex and hyphens pass, so no path ever does."""
    prefix = ids.normalize_prefix(raw)
    if prefix is None:
        raise HTTPException(400, "not an image id: use the id (or a unique prefix) of a record")
    return prefix


def etag_matches(header: str | None, etag: str) -> bool:
    """``If-None-Match`` semantics: a list of tags, or ``*``; weak tags compare equal."""
    if not header:
        return False
    offered = {t.strip().removeprefix("W/") for t in header.split(",")}
    return "*" in offered or etag in offered
