"""Shared request plumbing: the vault of this app, and the one check every id goes through."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, HTTPException, Request

from ideovault import ids
from ideovault.vault import Vault
from ideovault.web.security import WebSettings


def get_vault(request: Request) -> Vault:
    return cast(Vault, request.app.state.vault)


VaultDep = Annotated[Vault, Depends(get_vault)]


def get_web(request: Request) -> WebSettings:
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
