"""Who is asking, and may they: every route of the app is checked here, server-side.

One app-wide dependency (:func:`authorize`) runs before every route. It finds the principal:

* a personal key (``Authorization: Bearer ivk_…``) or a gallery session cookie made from one;
* else, on a vault with no users: whoever passed the guard — the holder of ``IDEOVAULT_TOKEN``,
  or anyone on loopback — acts as the single owner, exactly as before teams existed;
* else 401. Once a vault has users, every request needs a key or a session.

Then it looks up the scope the route needs in :data:`RULES` (a route missing from the table
needs ``admin``, so a new route is closed to non-admins until someone classifies it) and
answers 403 when the principal lacks it. Each change that succeeds is appended to the audit
log with its actor. Failed key checks are counted per client address: after
:data:`MAX_FAILURES` the address is locked out for :data:`LOCKOUT_SECONDS` (429), so keys
cannot be guessed at network speed (they have 256 bits; this also keeps logs quiet).
"""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator
from typing import Any

from fastapi import HTTPException, Request
from starlette.concurrency import run_in_threadpool

from ideovault.vault import People, Vault, actors
from ideovault.web.deps import run_read
from ideovault.web.security import SESSION_COOKIE, WebSettings

Principal = actors.Principal
MAX_FAILURES = 10
LOCKOUT_SECONDS = 900.0
CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PUBLIC = "public"  # a rule: anyone may (the sign-in page itself, a shared link's page)

READ, WRITE, GENERATE, ADMIN = "images:read", "images:write", "generate", "admin"
RULES: dict[tuple[str, str], str] = {
    ("GET", "/"): READ,
    ("GET", "/trash"): READ,
    ("GET", "/report"): READ,
    ("GET", "/images/{image_id}"): READ,
    ("GET", "/signin"): PUBLIC,
    ("GET", "/signout"): PUBLIC,
    ("GET", "/oidc/login"): PUBLIC,
    ("GET", "/oidc/callback"): PUBLIC,
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/readyz"): PUBLIC,
    ("GET", "/metrics"): READ,
    ("GET", "/api/images"): READ,
    ("GET", "/api/images/{image_id}"): READ,
    ("GET", "/api/images/{image_id}/original"): READ,
    ("GET", "/api/images/{image_id}/thumbnail"): READ,
    ("GET", "/api/images/{image_id}/lineage"): READ,
    ("GET", "/api/report"): READ,
    ("GET", "/api/choices"): READ,
    ("GET", "/api/whoami"): READ,
    ("POST", "/api/images/{image_id}/tags"): WRITE,
    ("POST", "/api/images/{image_id}/star"): WRITE,
    ("POST", "/api/images/{image_id}/trash"): WRITE,
    ("POST", "/api/images/{image_id}/restore"): WRITE,
    ("POST", "/api/generate"): GENERATE,
    ("POST", "/api/images/{image_id}/reproduce"): GENERATE,
    ("GET", "/api/users"): ADMIN,
    ("POST", "/api/users"): ADMIN,
    ("POST", "/api/users/{name}/role"): ADMIN,
    ("POST", "/api/users/{name}/disable"): ADMIN,
    ("GET", "/api/keys"): ADMIN,
    ("POST", "/api/keys"): ADMIN,
    ("POST", "/api/keys/{key_id}/revoke"): ADMIN,
    ("GET", "/api/audit"): ADMIN,
    # curation (issue 17): reading albums, counts and zips needs read; changing, write
    ("GET", "/albums"): READ,
    ("GET", "/compare"): READ,
    ("GET", "/api/count"): READ,
    ("GET", "/api/zip"): READ,
    ("POST", "/api/zip"): READ,  # a POST only to carry a list of ids; it changes nothing
    ("GET", "/api/albums"): READ,
    ("GET", "/api/albums/{album_id}"): READ,
    ("GET", "/api/images/{image_id}/albums"): READ,
    ("POST", "/api/images/{image_id}/rating"): WRITE,
    ("POST", "/api/bulk"): WRITE,
    ("POST", "/api/albums"): WRITE,
    ("PATCH", "/api/albums/{album_id}"): WRITE,
    ("DELETE", "/api/albums/{album_id}"): WRITE,
    ("POST", "/api/albums/{album_id}/cover"): WRITE,
    # the remote CLI (issue 15): reading needs read; anything that may call Ideogram, generate
    ("GET", "/api/list"): READ,
    ("GET", "/api/trash"): READ,
    ("GET", "/api/images/{image_id}/url"): READ,
    ("GET", "/api/images/{image_id}/similar"): READ,
    ("GET", "/api/semantic"): READ,
    ("POST", "/api/describe"): GENERATE,
    ("POST", "/api/magic-prompt"): GENERATE,
    ("GET", "/api/batches"): READ,
    ("GET", "/api/batches/{batch_id}"): READ,
    ("POST", "/api/batches"): GENERATE,
    ("POST", "/api/batches/{batch_id}/run"): GENERATE,
    ("POST", "/api/batches/{batch_id}/stop"): GENERATE,
    ("POST", "/api/batches/{batch_id}/reopen"): GENERATE,
    ("POST", "/api/batches/{batch_id}/cancel"): GENERATE,
    # shared links (web/routes_shares.py): the /s/ routes check the link themselves; making,
    # listing and revoking links is an editor's (revoking another's link, an admin's)
    ("GET", "/s/{token}"): PUBLIC,
    ("GET", "/s/{token}/images/{image_id}/original"): PUBLIC,
    ("GET", "/s/{token}/images/{image_id}/thumbnail"): PUBLIC,
    ("GET", "/api/shares"): WRITE,
    ("POST", "/api/shares"): WRITE,
    ("POST", "/api/shares/{share_id}/revoke"): WRITE,
}


def required_scope(method: str, route_path: str) -> str:
    """The scope a route needs; HEAD is a GET; an unlisted route needs ``admin``."""
    return RULES.get(("GET" if method == "HEAD" else method, route_path), ADMIN)


class Lockout:
    """Failed key checks per client address; a locked address is refused without a check."""

    def __init__(self, max_failures: int = MAX_FAILURES, seconds: float = LOCKOUT_SECONDS):
        self.max_failures = max_failures
        self.seconds = seconds
        self._failures: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def locked(self, client: str) -> bool:
        with self._lock:
            count, since = self._failures.get(client, (0, 0.0))
            if count >= self.max_failures and time.monotonic() - since < self.seconds:
                return True
            if count >= self.max_failures:
                del self._failures[client]  # the lockout is over: start counting again
            return False

    def failed(self, client: str) -> None:
        with self._lock:
            count, _ = self._failures.get(client, (0, 0.0))
            self._failures[client] = (count + 1, time.monotonic())

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)


def _bearer_key(request: Request) -> str | None:
    value = request.headers.get("authorization", "")
    key = value.removeprefix("Bearer ").strip()
    return key if key.startswith(People.KEY_PREFIX) else None


def check_key(request: Request, vault: Vault, key: str) -> Principal:
    """The principal of a personal key, or 401/429 (counting the failure)."""
    lockout: Lockout = request.app.state.lockout
    client = request.client.host if request.client else "?"
    if lockout.locked(client):
        raise HTTPException(429, "too many wrong keys from this address: try again later")
    principal = vault.people.authenticate(key)
    if principal is None:
        lockout.failed(client)
        raise HTTPException(401, "this key is unknown, revoked or expired, or its user disabled")
    lockout.succeeded(client)
    return principal


def identify(request: Request) -> Principal:
    """Who is asking (see the module docstring), or an HTTPException."""
    vault: Vault = request.app.state.vault
    web: WebSettings = request.app.state.web
    key = _bearer_key(request)
    if key is not None:
        return check_key(request, vault, key)
    session = request.cookies.get(SESSION_COOKIE)
    if session:
        principal = vault.people.session_principal(session)
        if principal is not None:
            return principal
    if vault.people.is_team():
        raise HTTPException(
            401, "sign in: send 'Authorization: Bearer <your personal key>' or open /signin"
        )
    if web.token:
        if request.scope.get("state", {}).get("token_verified"):
            return actors.TOKEN_HOLDER
        raise HTTPException(401, "missing or wrong token")
    if web.loopback:
        return actors.LOCAL_OWNER
    raise HTTPException(401, "sign in with a personal key")


async def authorize(request: Request) -> AsyncIterator[Principal]:
    """The app-wide dependency: identify, check the route's scope, audit a successful change."""
    route = request.scope.get("route")
    route_path = str(getattr(route, "path", request.url.path))
    needed = required_scope(request.method, route_path)
    if needed == PUBLIC:
        actors.ACTING.set(actors.ANONYMOUS)  # a page rendered here offers no actions
        yield actors.ANONYMOUS
        return
    principal = await run_read(request, identify, request)
    if not principal.allows(needed):
        raise HTTPException(
            403, f"{principal.name} ({principal.role}) may not do this: it needs {needed}"
        )
    request.state.principal = principal
    actors.ACTING.set(principal)  # the route's thread inherits it: generations name their actor
    yield principal
    if request.method in CHANGING:
        target: Any = request.path_params.get("image_id") or request.path_params.get("name")
        target = target or request.path_params.get("key_id")
        target = target or request.path_params.get("batch_id")
        vault: Vault = request.app.state.vault
        await run_in_threadpool(
            vault.people.record, principal.name, f"{request.method} {route_path}", target
        )
