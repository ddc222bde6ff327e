"""Hostile requests: path traversal on every id route, the token off loopback, cross-site
changes, foreign Host headers, oversized bodies, escaping, and the API key never leaking."""

from __future__ import annotations

import http.client
import logging
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from ideogram_fake import FakeServer
from ideovault.errors import UserError
from ideovault.vault import Vault
from ideovault.web import WebSettings, create_app
from ideovault.web.serve import ServerThread
from tests.conftest import TEST_API_KEY
from tests.web.conftest import CHANGE

TOKEN = "t0ken-for-tests-0123456789abcdef"

ID_ROUTES = [
    ("GET", "/api/images/{}"),
    ("GET", "/api/images/{}/original"),
    ("GET", "/api/images/{}/thumbnail"),
    ("GET", "/api/images/{}/lineage"),
    ("POST", "/api/images/{}/tags"),
    ("POST", "/api/images/{}/star"),
    ("POST", "/api/images/{}/trash"),
    ("POST", "/api/images/{}/restore"),
    ("POST", "/api/images/{}/reproduce"),
    ("GET", "/images/{}"),
]
TRAVERSALS = [
    "..",
    "../../etc/passwd",
    "..%2f..%2fetc%2fpasswd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "%2e%2e",
    "/etc/passwd",
    "%2fetc%2fpasswd",
    "..\\..\\windows\\win.ini",
    "C:%5cWindows%5cwin.ini",
    "....//....//etc/passwd",
    "%00",
    "images%2fab%2fcd%2fx.png",
    "file:%2f%2f%2fetc%2fpasswd",
]


def raw_request(
    base_url: str, method: str, path: str, headers: dict[str, str]
) -> tuple[int, bytes]:
    """Send the path byte for byte (httpx would normalise the dot segments away)."""
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    body = b"{}" if method == "POST" else None
    try:
        conn.request(
            method, path, body=body, headers={**headers, "Content-Type": "application/json"}
        )
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@pytest.mark.parametrize(("method", "route"), ID_ROUTES)
def test_path_traversal_never_reaches_a_file(server: ServerThread, method: str, route: str) -> None:
    for attempt in TRAVERSALS:
        status, body = raw_request(server.url, method, route.format(attempt), CHANGE)
        assert status in (400, 404), (route, attempt, status, body[:200])
        assert b"root:" not in body and b"[fonts]" not in body


def test_an_off_loopback_bind_needs_a_long_token(vault: Vault) -> None:
    with pytest.raises(UserError, match="IDEOVAULT_TOKEN"):
        create_app(vault, WebSettings(host="0.0.0.0"))
    with pytest.raises(UserError, match="too short"):
        create_app(vault, WebSettings(host="0.0.0.0", token="short"))
    assert WebSettings(host="::1").loopback and WebSettings(host="localhost").loopback
    assert not WebSettings(host="192.168.1.5").loopback


@pytest.fixture
def guarded(vault: Vault) -> Iterator[ServerThread]:
    """The app configured as if bound to 0.0.0.0 (so the token is required), on loopback."""
    app = create_app(vault, WebSettings(host="0.0.0.0", token=TOKEN))
    with ServerThread(app) as running:
        yield running


def test_token_is_checked_on_every_request(guarded: ServerThread, vault: Vault) -> None:
    image_id = vault.images.list(1).records[0].id
    paths = [
        "/", "/trash", "/report", f"/images/{image_id}", "/api/images", f"/api/images/{image_id}",
        f"/api/images/{image_id}/original", f"/api/images/{image_id}/thumbnail",
        "/openapi.json", "/static/app.css", "/api/report",
    ]  # fmt: skip
    with httpx.Client(base_url=guarded.url, follow_redirects=False) as c:
        for path in paths:
            assert c.get(path).status_code == 401, path
            assert (
                c.get(path, headers={"Authorization": "Bearer wrong-token-123456"}).status_code
                == 401
            )
            assert c.get(path, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200, (
                path
            )
        assert c.post(f"/api/images/{image_id}/trash", headers=CHANGE).status_code == 401
        assert vault.images.get(image_id).trashed_at is None


def test_a_token_link_becomes_a_cookie(guarded: ServerThread) -> None:
    with httpx.Client(base_url=guarded.url, follow_redirects=False) as c:
        signed = c.get("/", params={"token": TOKEN, "q": "fox"})
        assert signed.status_code == 303
        assert signed.headers["location"] == "/?q=fox"  # the token leaves the address bar
        cookie = signed.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        assert c.get("/?q=fox").status_code == 200  # the cookie jar now carries it
        assert c.get("/", params={"token": "wrong-token-123456"}).status_code in (200, 303)
    with httpx.Client(base_url=guarded.url) as fresh:
        assert fresh.get("/", params={"token": "wrong-token-123456"}).status_code == 401


def test_changes_need_the_custom_header_and_same_origin(client: httpx.Client, vault: Vault) -> None:
    image_id = vault.images.list(1).records[0].id
    url = f"/api/images/{image_id}/star"
    assert client.post(url, json={"starred": True}).status_code == 403
    form = client.post(url, data={"starred": "true"})  # what a cross-site <form> can send
    assert form.status_code == 403
    evil = client.post(url, json={}, headers={**CHANGE, "Origin": "https://evil.example"})
    assert evil.status_code == 403
    sneaky = client.post(url, json={}, headers={**CHANGE, "Sec-Fetch-Site": "cross-site"})
    assert sneaky.status_code == 403
    assert not vault.images.get(image_id).starred
    origin = str(client.base_url).rstrip("/")
    ok = client.post(url, json={"starred": True}, headers={**CHANGE, "Origin": origin})
    assert ok.status_code == 200 and vault.images.get(image_id).starred


def test_foreign_host_headers_are_refused_on_loopback(client: httpx.Client) -> None:
    """DNS rebinding: evil.example resolving to 127.0.0.1 must not read the vault."""
    assert client.get("/api/images", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/api/images", headers={"Host": "localhost:1234"}).status_code == 200


def test_oversized_bodies_are_413(vault: Vault) -> None:
    app = create_app(vault, WebSettings(max_body_bytes=2_000))
    image_id = vault.images.list(1).records[0].id
    big = {"add": ["x" * 60] * 50}
    with ServerThread(app) as running, httpx.Client(base_url=running.url) as c:
        declared = c.post(f"/api/images/{image_id}/tags", json=big, headers=CHANGE)
        assert declared.status_code == 413

        def chunks() -> Iterator[bytes]:
            yield b'{"prompt": "'
            for _ in range(100):
                yield b"a" * 100
            yield b'"}'

        streamed = c.post(
            "/api/generate",
            content=chunks(),
            headers={**CHANGE, "Content-Type": "application/json"},
        )
        assert streamed.status_code == 413
        assert (
            c.post(f"/api/images/{image_id}/tags", json={"add": ["ok"]}, headers=CHANGE).status_code
            == 200
        )


def test_security_headers(client: httpx.Client) -> None:
    response = client.get("/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"


def test_user_text_is_escaped_in_pages(client: httpx.Client, vault: Vault) -> None:
    pages = [client.get("/").text, client.get("/report").text]
    hostile = vault.images.search("tag:<b>bold</b>").records[0]
    pages.append(client.get(f"/images/{hostile.id}").text)
    for page in pages[::2]:
        assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in page
    for page in pages:
        assert "<script>window.pwned" not in page and "<img src=x" not in page
        assert "<b>bold</b>" not in page
    error = client.get("/", params={"q": '<script>alert(1)</script> "open'})
    assert error.status_code == 400
    assert "<script>alert(1)" not in error.text and "&lt;script&gt;alert(1)" in error.text


def test_the_api_key_never_appears(
    client: httpx.Client, vault: Vault, fake: FakeServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    image_id = vault.images.list(1).records[0].id
    bodies = [client.get(p).text for p in ("/", "/report", "/api/report", "/openapi.json")]
    bodies += [client.get(f"/api/images/{image_id}").text, client.get(f"/images/{image_id}").text]
    body = {"prompt": "a cat", "params": {"seed": 3}}
    bodies.append(client.post("/api/generate", json=body, headers=CHANGE).text)
    fake.inject("server_error", times=10)
    failed = client.post("/api/generate", json={**body, "force": True}, headers=CHANGE)
    assert failed.status_code == 502
    bodies.append(failed.text)
    bodies.append(str(dict(failed.headers)))
    for text in [*bodies, caplog.text]:
        assert TEST_API_KEY not in text
