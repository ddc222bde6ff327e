"""Shared links: the public page ``/s/<token>`` with its images' bytes, and the REST routes
that make, list and revoke links (``vault/shares.py`` says what a link shows).

The three ``/s/`` routes are the only public ones besides sign-in and the health checks
(``web/auth.py``), and each checks the link itself: an unknown or wrong link is 404, an expired
or revoked one 410, with nothing else said; an image the link does not show now is 404 whatever
exists behind that id. Wrong links count towards the address's lockout, as wrong keys do.
Answers are ``no-cache``: a browser asks again (a cheap 304) and so learns of a revocation.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from ideovault.vault import NotYours, Share, Vault
from ideovault.web import routes_images
from ideovault.web.auth import Lockout, Principal, authorize
from ideovault.web.deps import VaultDep, clean_id
from ideovault.web.routes_pages import render

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["shares"])
Actor = Annotated[Principal, Depends(authorize)]
PRIVATE = {"Cache-Control": "private, no-cache", "X-Robots-Tag": "noindex"}
NOT_FOUND = "no such link"
GONE = "this link has expired or was revoked"


def _open(request: Request, vault: Vault, token: str) -> Share:
    """The live link of ``token``, or 404 / 410 / 429."""
    lockout: Lockout = request.app.state.lockout
    client = request.client.host if request.client else "?"
    if lockout.locked(client):
        raise HTTPException(429, "too many wrong links from this address: try again later")
    share = vault.shares.find(token)
    if share is None:
        lockout.failed(client)
        raise HTTPException(404, NOT_FOUND)
    if not vault.shares.is_live(share):
        raise HTTPException(410, GONE)
    return share


def _record(request: Request, vault: Vault, token: str, image_id: str) -> str:
    share = _open(request, vault, token)
    record = vault.shares.shown(share, clean_id(image_id))
    if record is None:
        raise HTTPException(404, "this link shows no such image")
    return record.id


@router.get("/s/{token}", response_class=HTMLResponse)
def shared_page(token: str, request: Request, vault: VaultDep) -> HTMLResponse:
    try:
        share = _open(request, vault, token)
    except HTTPException as exc:
        message = NOT_FOUND if exc.status_code == 404 else str(exc.detail)
        page = render("share.html", exc.status_code, title="Shared link", message=message)
        page.headers.update(PRIVATE)
        return page
    records = vault.shares.images(share)
    title = share.label or ("Shared image" if share.kind == "image" else "Shared images")
    expires = f"{share.expires_at:%Y-%m-%d %H:%M}"
    page = render("share.html", title=title, records=records, token=token, expires=expires,
                  message=None)  # fmt: skip
    page.headers.update(PRIVATE)
    return page


@router.api_route("/s/{token}/images/{image_id}/original", methods=["GET", "HEAD"])
def shared_original(
    token: str,
    image_id: str,
    request: Request,
    vault: VaultDep,
    if_none_match: str | None = Header(None, max_length=1000),
) -> Response:
    found = _record(request, vault, token, image_id)
    response = routes_images.original(found, vault, request, False, if_none_match)
    response.headers.update(PRIVATE)
    return response


@router.api_route("/s/{token}/images/{image_id}/thumbnail", methods=["GET", "HEAD"])
def shared_thumbnail(
    token: str,
    image_id: str,
    request: Request,
    vault: VaultDep,
    size: int = Query(512, ge=1, le=4096),
    if_none_match: str | None = Header(None, max_length=1000),
) -> Response:
    found = _record(request, vault, token, image_id)
    response = routes_images.thumbnail(found, vault, size, if_none_match)
    response.headers.update(PRIVATE)
    return response


class ShareIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    what: str = Field(..., min_length=1, max_length=2000, description="An image id or a query")
    expires: str = Field("7d", max_length=20, description="Lifetime: 7d, 12h, 2w …")
    label: str | None = Field(None, max_length=200)
    search: bool = Field(False, description="A search even if `what` looks like an id")


@api.post("/shares", summary="Make a shared read-only link")
def create_share(body: ShareIn, vault: VaultDep) -> dict[str, Any]:
    """The link's path (``/s/…``) is in the answer once and never again."""
    row, path = vault.shares.create(
        body.what, vault.shares.lifetime(body.expires), body.label, search=body.search
    )
    return {"share": row.to_json(row.created_at), "path": path}


@api.get("/shares", summary="Every shared link (never their secrets)")
def list_shares(vault: VaultDep) -> list[dict[str, Any]]:
    return vault.shares.list()


@api.post("/shares/{share_id}/revoke", summary="End a shared link now")
def revoke_share(share_id: str, vault: VaultDep, actor: Actor) -> dict[str, Any]:
    try:
        row = vault.shares.revoke(share_id[:64], actor)
    except NotYours as exc:
        raise HTTPException(403, str(exc)) from None
    return row.to_json(row.revoked_at or row.created_at)
