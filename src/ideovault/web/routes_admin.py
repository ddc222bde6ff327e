"""Sign-in and sign-out for the gallery, and the admin's REST routes: users, keys, audit.

The gallery signs in with a personal key: ``/signin`` (a form, or ``/signin?key=…``) checks
the key and trades it for a session cookie (HttpOnly, SameSite=Strict, a new secret at every
sign-in, the old session ended), then redirects to a path of this server. The key itself is
never stored in the browser. With OpenID Connect configured the page also offers the team's
identity provider (``web/oidc.py``), which ends in the same kind of session. Access to every
route here is decided by ``web/auth.py``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from ideovault.errors import UserError
from ideovault.vault import People, actors
from ideovault.web.auth import Principal, authorize, check_key
from ideovault.web.deps import VaultDep
from ideovault.web.routes_pages import render
from ideovault.web.security import SESSION_COOKIE, local_path

router = APIRouter()
Actor = Annotated[Principal, Depends(authorize)]


@router.get("/signin", response_class=HTMLResponse, include_in_schema=False)
def sign_in(
    request: Request,
    vault: VaultDep,
    key: str | None = Query(None, max_length=200),
    next: str = Query("/", max_length=2000),
) -> Response:
    """Without a key: the form. With one: a fresh session cookie and a redirect."""
    oidc = getattr(request.app.state, "oidc", None) is not None
    if not key:
        return render("signin.html", message="", next=local_path(next), oidc=oidc)
    if request.headers.get("sec-fetch-site") == "cross-site":
        # Another site must not sign a visitor in with a key of its choosing (login CSRF).
        return HTMLResponse("sign in from this server's own /signin page", status_code=403)
    try:
        principal = check_key(request, vault, key)
    except HTTPException as exc:
        return render("signin.html", exc.status_code, message=exc.detail, next="/", oidc=oidc)
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        vault.people.end_session(old)
    secret = vault.people.start_session(principal)
    response = RedirectResponse(local_path(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE, secret, httponly=True, samesite="strict", path="/",
        secure=request.url.scheme == "https", max_age=int(People.SESSION_LIFETIME.total_seconds()),
    )  # fmt: skip
    return response


@router.get("/signout", include_in_schema=False)
def sign_out(request: Request, vault: VaultDep) -> Response:
    """End the session (SameSite=Strict: another site cannot sign anyone out)."""
    secret = request.cookies.get(SESSION_COOKIE)
    if secret:
        vault.people.end_session(secret)
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response


@router.get("/api/whoami", tags=["people"])
def whoami(actor: Actor) -> dict[str, Any]:
    """The signed-in principal: name, role and the scopes this key has."""
    return {"name": actor.name, "role": actor.role, "scopes": sorted(actor.scopes)}


class NewUser(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(..., max_length=64)
    role: str = Field("viewer", max_length=10)


class RoleChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: str = Field(..., max_length=10)


class NewKey(BaseModel):
    model_config = ConfigDict(extra="forbid")
    user: str = Field(..., max_length=64)
    scopes: list[str] = Field(default_factory=list, max_length=len(actors.SCOPES))
    expires_days: int | None = Field(None, ge=1, le=3650)


@router.get("/api/users", tags=["people"])
def list_users(vault: VaultDep) -> list[dict[str, Any]]:
    return [u.to_json() for u in vault.people.users()]


@router.post("/api/users", tags=["people"])
def add_user(body: NewUser, vault: VaultDep, actor: Actor) -> dict[str, Any]:
    return vault.people.add_user(body.name, body.role, actor.name).to_json()


@router.post("/api/users/{name}/role", tags=["people"])
def set_role(name: str, body: RoleChange, vault: VaultDep, actor: Actor) -> dict[str, Any]:
    return vault.people.set_role(name, body.role, actor.name).to_json()


@router.post("/api/users/{name}/disable", tags=["people"])
def disable_user(name: str, vault: VaultDep, actor: Actor) -> dict[str, Any]:
    return vault.people.disable(name, actor.name).to_json()


@router.get("/api/keys", tags=["people"])
def list_keys(vault: VaultDep, user: str | None = Query(None, max_length=64)) -> Any:
    return vault.people.list_keys(user)


@router.post("/api/keys", tags=["people"])
def create_key(body: NewKey, vault: VaultDep, actor: Actor) -> dict[str, Any]:
    """A new key, shown in this answer only (the vault keeps a hash)."""
    from datetime import timedelta

    expires = timedelta(days=body.expires_days) if body.expires_days else None
    row, key = vault.people.create_key(body.user, body.scopes, expires, actor.name)
    return {"id": row.id, "key": key}


@router.post("/api/keys/{key_id}/revoke", tags=["people"])
def revoke_key(key_id: str, vault: VaultDep, actor: Actor) -> dict[str, str]:
    if not key_id.isalnum() or len(key_id) > 40:
        raise UserError("not a key id: `ideovault key list` shows them")
    vault.people.revoke_key(key_id, actor.name)
    return {"revoked": key_id}


@router.get("/api/audit", tags=["people"])
def audit(
    vault: VaultDep,
    user: str | None = Query(None, max_length=64),
    since: datetime | None = Query(None, description="ISO date-time"),
    limit: int = Query(1000, ge=1, le=10_000),
) -> list[dict[str, Any]]:
    """The audit log, oldest first (append-only: there is no route to change it)."""
    return [e.to_json() for e in vault.people.audit_entries(user, since, limit)]
