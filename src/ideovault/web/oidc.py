"""Signing in to the gallery with the team's OpenID Connect provider (the ``oidc`` extra).

``/oidc/login`` sends the browser to the provider (authorization code flow with PKCE, a fresh
``state`` and ``nonce``); ``/oidc/callback`` takes the code back, has Authlib's Starlette client
exchange it and check the ID token (signature from the provider's JWKS, issuer, audience,
expiry, nonce), maps the person to an ideovault user (``config_oidc.py`` says how) and starts
the same kind of gallery session a personal key starts (HttpOnly, SameSite=Strict, rotated).

Authlib keeps what the callback needs (state, nonce, PKCE verifier) in ``request.session``.
Rather than a site-wide session middleware, this module gives it a dict carried only between
these two routes in a cookie of its own: signed (HMAC-SHA256 with a key derived from the
client secret, so every worker process and restart agrees), short-lived, ``Path=/oidc`` and
SameSite=Lax, the one setting that lets a browser send it on the provider's redirect back.
A callback whose ``state`` does not match that cookie is refused: that is what stops another
site from signing a visitor in as someone else.

The session cookie itself is SameSite=Strict, and a browser withholds such a cookie on a
navigation that began on another site — the provider's redirect — even after a same-site
redirect. So the callback answers with a small page that moves on to the gallery by itself
(a same-site navigation that carries the cookie) instead of a redirect.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import importlib
import json
import logging
import time
from html import escape
from typing import Any

import httpx
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.starlette_client import OAuth
from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, Response
from joserfc.errors import JoseError
from starlette.concurrency import run_in_threadpool

from ideovault.config_oidc import OidcSettings
from ideovault.errors import NotFound, UserError
from ideovault.vault import People, Vault
from ideovault.web.security import SESSION_COOKIE, local_path

log = logging.getLogger("ideovault.web")
STATE_COOKIE = "ideovault_oidc"
STATE_SECONDS = 600  # time to sign in at the provider
SCOPE = "openid email profile"
router = APIRouter(include_in_schema=False)

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">{refresh}
<title>Sign in · ideovault</title><link rel="stylesheet" href="/static/app.css"></head>
<body><main class="signin"><h1>ideovault</h1>{body}</main></body></html>
"""


def _http_errors() -> tuple[type[Exception], ...]:
    """httpx's errors, and httpx2's, which newer Authlib uses in its place when installed."""
    errors: list[type[Exception]] = [httpx.HTTPError]
    with contextlib.suppress(ImportError):
        errors.append(importlib.import_module("httpx2").HTTPError)
    return tuple(errors)


# What talking to the provider can raise besides Authlib's own errors: no answer, a bad one.
UNREACHABLE: tuple[type[Exception], ...] = (*_http_errors(), ValueError, KeyError, RuntimeError)


class Refused(Exception):
    """A sign-in the gallery does not accept; the message is shown to the person."""

    def __init__(self, message: str, status: int = 403) -> None:
        super().__init__(message)
        self.status = status


def install(app: FastAPI, settings: OidcSettings) -> None:
    """Add the two routes, with an Authlib client for this provider, to the app."""
    oauth = OAuth()
    oauth.register(
        "ideovault",
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        server_metadata_url=settings.metadata_url,
        client_kwargs={"scope": SCOPE, "code_challenge_method": "S256", "timeout": 15},
    )
    app.state.oidc = settings
    app.state.oidc_client = oauth.create_client("ideovault")
    app.include_router(router)


def _signing_key(settings: OidcSettings) -> bytes:
    return hmac.new(settings.client_secret.encode(), b"ideovault oidc state", "sha256").digest()


def seal(settings: OidcSettings, data: dict[str, Any], now: float) -> str:
    """``data`` and its time as a signed cookie value (readable by the browser, not forgeable)."""
    payload = base64.urlsafe_b64encode(json.dumps({"at": now, "data": data}).encode()).decode()
    mac = hmac.new(_signing_key(settings), payload.encode(), hashlib.sha256).hexdigest()
    return f"{payload}.{mac}"


def unseal(settings: OidcSettings, value: str | None, now: float) -> dict[str, Any] | None:
    """What :func:`seal` stored, or None if missing, altered or older than STATE_SECONDS."""
    if not value or "." not in value:
        return None
    payload, mac = value.rsplit(".", 1)
    good = hmac.new(_signing_key(settings), payload.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(mac, good):
        return None
    try:
        sealed = json.loads(base64.urlsafe_b64decode(payload.encode()))
        at, data = float(sealed["at"]), sealed["data"]
    except (ValueError, KeyError, TypeError):
        return None
    if not 0 <= now - at <= STATE_SECONDS or not isinstance(data, dict):
        return None
    return data


def page(body: str, status: int = 200, go_to: str | None = None) -> HTMLResponse:
    refresh = f'<meta http-equiv="refresh" content="0;url={escape(go_to)}">' if go_to else ""
    return HTMLResponse(PAGE.format(refresh=refresh, body=body), status_code=status)


def refused(message: str, status: int) -> HTMLResponse:
    body = f'<p class="error" id="signin-error">{escape(message)}</p><p><a href="/signin">Back'
    return page(body + " to the sign-in page</a></p>", status)


def _callback_url(request: Request, settings: OidcSettings) -> str:
    return settings.redirect_uri or str(request.url_for("oidc_callback"))


@router.get("/oidc/login")
async def oidc_login(request: Request, next: str = Query("/", max_length=2000)) -> Response:
    """Off to the provider, with a fresh state, nonce and PKCE verifier in a signed cookie."""
    settings: OidcSettings = request.app.state.oidc
    request.scope["session"] = {"next": local_path(next)}
    try:
        response: Response = await request.app.state.oidc_client.authorize_redirect(
            request, _callback_url(request, settings)
        )
    except (AuthlibBaseError, JoseError, *UNREACHABLE) as exc:
        log.warning("OpenID Connect provider %s: %s", settings.issuer, type(exc).__name__)
        return refused(
            f"the identity provider at {settings.issuer} cannot be reached or did not describe "
            "itself (its /.well-known/openid-configuration); sign in with a personal key",
            502,
        )
    value = seal(settings, dict(request.session), time.time())
    response.set_cookie(
        STATE_COOKIE, value, max_age=STATE_SECONDS, path="/oidc", httponly=True,
        samesite="lax", secure=request.url.scheme == "https",
    )  # fmt: skip
    return response


@router.get("/oidc/callback", name="oidc_callback")
async def oidc_callback(request: Request) -> Response:
    """The provider's answer: check it, find the user, start a session (or say why not)."""
    settings: OidcSettings = request.app.state.oidc
    vault: Vault = request.app.state.vault
    try:
        name = await _identify(request, settings)
        secret = await run_in_threadpool(_start, vault, name, request.cookies.get(SESSION_COOKIE))
    except Refused as exc:
        response: Response = refused(str(exc), exc.status)
    else:
        go_to = local_path(str(request.session.get("next") or "/"))
        body = f'<p>Signed in as {escape(name)}. <a id="continue" href="{escape(go_to)}">'
        response = page(body + "Continue to the gallery</a></p>", go_to=go_to)
        response.set_cookie(
            SESSION_COOKIE, secret, httponly=True, samesite="strict", path="/",
            secure=request.url.scheme == "https",
            max_age=int(People.SESSION_LIFETIME.total_seconds()),
        )  # fmt: skip
    response.delete_cookie(STATE_COOKIE, path="/oidc", httponly=True, samesite="lax")
    return response


async def _identify(request: Request, settings: OidcSettings) -> str:
    """The ideovault user name the provider vouches for (Refused otherwise)."""
    if request.query_params.get("error"):
        raise Refused(
            "the identity provider did not sign you in: "
            + (request.query_params.get("error_description") or request.query_params["error"])[:200]
        )
    stored = unseal(settings, request.cookies.get(STATE_COOKIE), time.time())
    if stored is None:
        raise Refused("this sign-in expired or began in another browser: start again", 400)
    request.scope["session"] = stored
    client = request.app.state.oidc_client
    options = {
        "iss": {"essential": True, "value": settings.issuer},
        "aud": {"essential": True, "value": settings.client_id},
    }
    try:
        token = await client.authorize_access_token(request, claims_options=options)
        claims: dict[str, Any] = dict(token.get("userinfo") or {})
        if not claims:
            raise Refused("the identity provider sent no ID token", 502)
        if settings.claim not in claims:  # some providers put it in the userinfo answer only
            extra = dict(await client.userinfo(token=token))
            if extra.get("sub") != claims.get("sub"):
                raise Refused("the identity provider's userinfo names someone else", 502)
            claims = extra | claims
    except (AuthlibBaseError, JoseError) as exc:
        # the names of checks (e.g. "mismatching_state", "invalid_claim: nonce"), no secrets
        what = getattr(exc, "error", None) or type(exc).__name__
        detail = getattr(exc, "description", None) or str(exc)
        raise Refused(
            f"the identity provider's answer was refused ({what}: {detail})"[:300]
        ) from None
    except UNREACHABLE as exc:
        log.warning("OpenID Connect provider %s: %s", settings.issuer, type(exc).__name__)
        raise Refused("the identity provider did not answer as expected", 502) from None
    return user_name(settings, claims)


def user_name(settings: OidcSettings, claims: dict[str, Any]) -> str:
    """The name of the ideovault user these claims are, by ``settings.claim``."""
    if settings.claim == "email":
        email = str(claims.get("email") or "").strip().lower()
        if claims.get("email_verified") is not True:
            raise Refused("the identity provider has not verified your email address")
        local, _, domain = email.rpartition("@")
        if not local or domain != settings.email_domain:
            raise Refused(f"only addresses at {settings.email_domain} may sign in here")
        return local
    name = str(claims.get("preferred_username") or "").strip().lower()
    if not name:
        raise Refused("the identity provider sent no preferred_username")
    return name


def _start(vault: Vault, name: str, old: str | None) -> str:
    """A session for an existing, enabled user (Refused otherwise); the old one ends."""
    try:
        user = vault.people.user(name)
    except NotFound:
        raise Refused(
            f"{name!r} is not a user of this vault: an admin adds people with "
            f"`ideovault user add {name} --role viewer`"
        ) from None
    if user.disabled_at is not None:
        raise Refused(f"user {name!r} is disabled: an admin can tell you why")
    if old:
        vault.people.end_session(old)
    try:
        return vault.people.start_user_session(user.name, "oidc")
    except UserError as exc:
        raise Refused(str(exc)) from None
