"""What stands between the network and the vault: one ASGI middleware, checked on every request.

Why each rule exists:

* **Token off loopback.** Bound to 127.0.0.1 only this machine's users can connect; bound to
  anything else the whole network can, so ``IDEOVAULT_TOKEN`` is required and checked on every
  request (API, pages, images) — as ``Authorization: Bearer``, or a cookie that a first visit
  with ``?token=`` sets (HttpOnly, SameSite=Strict) so that ``<img>`` tags work too.
* **Host check on loopback.** A web page elsewhere can point its own domain at 127.0.0.1 (DNS
  rebinding) and then read this server as "same origin"; refusing unknown ``Host`` headers
  stops that.
* **Changing requests need a custom header.** A cross-site form or image cannot set
  ``X-Ideovault-Request``, and scripts on other origins cannot either without a CORS preflight
  that this server never grants; a foreign ``Origin`` or ``Sec-Fetch-Site: cross-site`` is
  refused as well. Cookies alone therefore never authorise a change.
* **Body limit.** A declared or streamed body over ``max_body_bytes`` is refused with 413
  before it is buffered.
* **Headers.** A strict Content-Security-Policy (no inline script, nothing from elsewhere) so
  that even an escaping bug could not run a prompt's ``<script>``.
"""

from __future__ import annotations

import ipaddress
import json
import re
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, urlencode

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException

from ideovault.errors import UserError

if TYPE_CHECKING:
    from ideovault.config_oidc import OidcSettings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

TOKEN_COOKIE = "ideovault_token"  # noqa: S105 (the name of the cookie, not a secret)
SESSION_COOKIE = "ideovault_session"  # a gallery session made from a personal key (web/auth.py)
KEY_PREFIX = "Bearer ivk_"  # personal keys are checked by web/auth.py, not against the token
OPEN_PATHS = frozenset(
    {"/signin", "/healthz", "/readyz", "/oidc/login", "/oidc/callback", "/static/share.css"}
)  # ^ need no token (web/auth.py): the sign-in pages, the health checks, the share page's style
SHARED_LINKS = "/s/"  # a shared link's page and images: checked by web/routes_shares.py
CSRF_HEADER = "x-ideovault-request"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_REG_NAME = re.compile(r"[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?")
_IPV6_LITERAL = re.compile(r"\[[0-9a-f:.]+\]")
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
MIN_TOKEN_CHARS = 16
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


def is_loopback(host: str) -> bool:
    """True for names and addresses that only this machine can reach."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class WebSettings:
    """How the server is bound and guarded. ``token`` stays out of ``repr`` (and so of logs)."""

    host: str = "127.0.0.1"
    port: int = 8765
    token: str | None = field(default=None, repr=False)
    max_body_bytes: int = 1 << 20
    page_size: int = 60  # images per gallery page (first page in the HTML, more on scroll)
    team: bool = False  # the vault has users: personal keys guard it even without a token
    oidc: OidcSettings | None = field(default=None, repr=False)  # sign-in by a provider

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)

    def check(self) -> WebSettings:
        """Refuse to serve the network without a token (UserError: a usage mistake)."""
        if self.token is not None and len("".join(self.token.split())) < MIN_TOKEN_CHARS:
            raise UserError(
                f"IDEOVAULT_TOKEN is too short: use at least {MIN_TOKEN_CHARS} random non-blank "
                "characters, e.g. the output of "
                "python -c 'import secrets; print(secrets.token_urlsafe(24))'"
            )
        if not self.loopback and not self.token and not self.team:
            raise UserError(
                f"serving on {self.host} exposes the vault to the network: set IDEOVAULT_TOKEN "
                "to a long random secret, or bind to 127.0.0.1"
            )
        if not 1 <= self.page_size <= 500:
            raise UserError(f"the page size must be between 1 and 500, not {self.page_size}")
        if not 0 <= self.port <= 65535:
            raise UserError(f"--port must be between 0 and 65535, not {self.port}")
        if not 1024 <= self.max_body_bytes <= 1 << 30:  # below 1 KiB no POST fits at all
            raise UserError(
                f"--max-body must be from 1024 to {1 << 30} bytes, not {self.max_body_bytes}"
            )
        return self


class BodyTooLarge(HTTPException):
    """Raised from inside ``receive`` so FastAPI's body parsing turns it into a 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body larger than {limit} bytes")


class Guard:
    """The ASGI middleware that applies every rule in this module's docstring."""

    def __init__(self, app: ASGIApp, settings: WebSettings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = _with_security_headers(send)
        headers = Headers(scope=scope)
        refusal = self._refuse(scope, headers)
        if refusal is not None:
            await _plain(send, *refusal, api=scope["path"].startswith("/api/"))
            return
        verified = scope.get("state", {}).get("token_verified", False)
        if verified and _query_token(scope) is not None:
            await self._sign_in(scope, send)
            return
        limit = self.settings.max_body_bytes
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _plain(send, 413, f"request body larger than {limit} bytes", api=True)
            return
        started = False
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge as exc:
            if started:
                raise
            await _plain(send, 413, str(exc.detail), api=True)

    def _refuse(self, scope: Scope, headers: Headers) -> tuple[int, str] | None:
        """(status, message) when the request must not reach the application."""
        host = headers.get("host", "")
        if (
            self.settings.loopback
            and not self.settings.token
            and host_name(host) not in LOOPBACK_NAMES
        ):
            return 400, "unknown Host header: open the gallery at http://127.0.0.1"
        if self.settings.token:
            if self._authorised(scope, headers):
                scope.setdefault("state", {})["token_verified"] = True
            elif not _personal(scope, headers):
                return 401, "missing or wrong token: send 'Authorization: Bearer <IDEOVAULT_TOKEN>'"
        if scope["method"] not in SAFE_METHODS:
            if headers.get(CSRF_HEADER) != "1":
                return 403, "changing requests need the header 'X-Ideovault-Request: 1'"
            origin = headers.get("origin")
            if origin is not None and origin.split("://", 1)[-1] != host:
                return 403, "cross-origin requests may not change the vault"
            if headers.get("sec-fetch-site") == "cross-site":
                return 403, "cross-site requests may not change the vault"
        return None

    def _authorised(self, scope: Scope, headers: Headers) -> bool:
        token = self.settings.token or ""
        offered = [headers.get("authorization", "").removeprefix("Bearer ").strip()]
        offered.append(_cookie(headers, TOKEN_COOKIE) or "")
        if scope["method"] == "GET":
            offered.append(_query_token(scope) or "")
        return any(o and secrets.compare_digest(o.encode(), token.encode()) for o in offered)

    async def _sign_in(self, scope: Scope, send: Send) -> None:
        """Trade ``?token=`` for a cookie and redirect, so the token leaves the address bar."""
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"))
        rest = [(k, v) for k, v in query if k != "token"]
        location = local_path(scope["path"]) + ("?" + urlencode(rest) if rest else "")
        cookie = f"{TOKEN_COOKIE}={self.settings.token}; HttpOnly; SameSite=Strict; Path=/"
        await send(
            {
                "type": "http.response.start",
                "status": 303,
                "headers": [(b"location", location.encode()), (b"set-cookie", cookie.encode())],
            }
        )
        await send({"type": "http.response.body", "body": b""})


def host_name(host: str) -> str | None:
    """The name in a ``Host`` header (RFC 9110: uri-host [":" port]), or None if malformed.

    Splitting at the last colon is not enough: ``127.0.0.1:80@evil.example`` would pass as
    127.0.0.1. A name may hold only the characters of a DNS name or an IPv4 address, an IPv6
    literal only hex digits, colons and dots inside its brackets, and a port only digits.
    """
    host = host.strip().lower()
    if host.startswith("["):
        end = host.find("]") + 1
        name, rest = host[:end], host[end:]
        if not end or not _IPV6_LITERAL.fullmatch(name) or rest[:1] not in ("", ":"):
            return None
        port = rest[1:]
    else:
        name, _, port = host.partition(":")
        if not _REG_NAME.fullmatch(name):
            return None
    if port and not (port.isascii() and port.isdigit()):
        return None
    return name


def local_path(path: str) -> str:
    """``path`` as a redirect target that can only name a page of this server.

    Browsers read ``//host``, ``/\\host`` and (after dropping tabs and newlines) ``/\t/host``
    as another site; so leading slashes and backslashes collapse to one slash and everything
    but the plain characters of a path is percent-encoded.
    """
    return "/" + quote(path.lstrip("/\\"), safe="/-._~!$&'()*+,;=:@")


def _personal(scope: Scope, headers: Headers) -> bool:
    """A request that web/auth.py checks instead: a personal key, a session, or an open path
    (the sign-in page, the health checks that orchestrators send without credentials, and
    shared links, which their routes check)."""
    return (
        headers.get("authorization", "").startswith(KEY_PREFIX)
        or _cookie(headers, SESSION_COOKIE) is not None
        or scope["path"] in OPEN_PATHS
        or scope["path"].startswith(SHARED_LINKS)
    )


def _query_token(scope: Scope) -> str | None:
    for key, value in parse_qsl(scope.get("query_string", b"").decode("latin-1")):
        if key == "token":
            return str(value)
    return None


def _cookie(headers: Headers, name: str) -> str | None:
    for part in headers.get("cookie", "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


def _with_security_headers(send: Send) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            present = {k.lower() for k, _ in message.get("headers", [])}
            extra = [(k, v) for k, v in SECURITY_HEADERS if k not in present]
            message["headers"] = [*message.get("headers", []), *extra]
        await send(message)

    return wrapped


async def _plain(send: Send, status: int, message: str, *, api: bool) -> None:
    """A refusal: JSON ``{"detail": …}`` like every other API error, text for pages."""
    if api:
        body, kind = json.dumps({"detail": message}).encode(), b"application/json"
    else:
        body, kind = message.encode(), b"text/plain; charset=utf-8"
    headers = [(b"content-type", kind), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
