"""Sign-in and request checks found wrong by a hostile user: off-site redirects after sign-in,
a token of blanks, a Host header that only looks like loopback, and HEAD on image bytes."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from ideovault.errors import UserError
from ideovault.vault import Vault
from ideovault.web import WebSettings, create_app
from ideovault.web.serve import ServerThread

TOKEN = "t0ken-for-tests-0123456789abcdef"


def raw_get(
    base_url: str, target: str, headers: dict[str, str] | None = None
) -> http.client.HTTPResponse:
    """A GET with the request target sent byte for byte (clients normalise ``//`` away)."""
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    conn.request("GET", target, headers=headers or {})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


@pytest.fixture
def guarded(vault: Vault) -> Iterator[ServerThread]:
    app = create_app(vault, WebSettings(host="0.0.0.0", token=TOKEN))
    with ServerThread(app) as running:
        yield running


@pytest.mark.parametrize(
    "target",
    ["//evil.example", "/\\evil.example", "///evil.example", "/%2f%2fevil.example",
     "/%5cevil.example", "/%09/evil.example", "/\\/evil.example", "/%2F%5C%2Fevil.example"],
)  # fmt: skip
def test_sign_in_redirects_only_to_a_path_of_this_server(
    guarded: ServerThread, target: str
) -> None:
    response = raw_get(guarded.url, f"{target}?token={TOKEN}&q=fox")
    assert response.status == 303
    location = response.getheader("location") or ""
    assert location.startswith("/") and location[1:2] not in ("/", "\\"), location
    assert "\t" not in location and "\\" not in location
    resolved = urlsplit(httpx.URL(guarded.url).join(location).__str__())
    assert resolved.netloc == urlsplit(guarded.url).netloc, location
    assert location.endswith("?q=fox")


def test_sign_in_keeps_an_ordinary_path(guarded: ServerThread, vault: Vault) -> None:
    image_id = vault.images.list(1).records[0].id
    response = raw_get(guarded.url, f"/images/{image_id}?token={TOKEN}")
    assert response.status == 303 and response.getheader("location") == f"/images/{image_id}"


@pytest.mark.parametrize(
    "token", [" " * 16, " " * 40, "\t" * 20, "a b c d e f g h i j k l m n o", "x" * 15 + " " * 5]
)
def test_a_token_with_fewer_than_16_non_blank_characters_is_refused(
    vault: Vault, token: str
) -> None:
    with pytest.raises(UserError, match=r"secrets\.token_urlsafe") as refused:
        create_app(vault, WebSettings(host="0.0.0.0", token=token))
    assert token not in str(refused.value) or not token.strip()
    create_app(vault, WebSettings(host="0.0.0.0", token=TOKEN))  # a good one still passes


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1:80@evil.example", "localhost@evil.example", "127.0.0.1:80/evil.example",
     "127.0.0.1:evil.example", "[::1]evil.example", "[::1]:80@evil.example", "127.0.0.1 evil",
     "evil.example#127.0.0.1", "127.0.0.1:80:80", "127.0.0.1.evil.example"],
)  # fmt: skip
def test_a_host_that_only_looks_like_loopback_is_refused(client: httpx.Client, host: str) -> None:
    assert client.get("/api/images", headers={"Host": host}).status_code == 400, host


def test_real_loopback_hosts_pass(client: httpx.Client) -> None:
    for host in ("127.0.0.1", "127.0.0.1:8765", "localhost:1", "LOCALHOST", "[::1]:8765", "[::1]"):
        assert client.get("/api/images", headers={"Host": host}).status_code == 200, host


def test_head_on_originals_and_thumbnails(client: httpx.Client, vault: Vault) -> None:
    record = vault.images.list(1).records[0]
    original = f"/api/images/{record.id}/original"
    get = client.get(original)
    head = client.head(original)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(get.content))
    assert head.headers["etag"] == get.headers["etag"]
    assert head.headers["content-type"] == get.headers["content-type"]
    thumb = f"/api/images/{record.id}/thumbnail?size=256"
    head_thumb = client.head(thumb)
    assert head_thumb.status_code == 200 and head_thumb.content == b""
    assert head_thumb.headers["content-type"] == "image/webp"
    assert head_thumb.headers["content-length"] == str(len(client.get(thumb).content))
    assert client.head(f"/api/images/{'0' * 32}/original").status_code == 404
    assert client.head(original, headers={"If-None-Match": get.headers["etag"]}).status_code == 304
