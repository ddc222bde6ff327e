"""Signing in to the gallery with OpenID Connect, against a stand-in provider on loopback.

The whole flow runs over real HTTP: the gallery's /oidc/login, the provider's authorization
endpoint, the gallery's callback (Authlib exchanges the code and checks the ID token), then
the session. Refusals: a state that does not match, a callback from another browser, a wrong
nonce, issuer or audience, an unknown or disabled person, an unverified email address.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

import ideovault.web
from ideovault.config import load_settings
from ideovault.config_oidc import OidcSettings
from ideovault.errors import MissingExtra, UserError
from ideovault.vault import Vault
from ideovault.web import WebSettings, create_app
from ideovault.web.serve import ServerThread

pytest.importorskip("authlib")
from tests.web.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider


@pytest.fixture
def provider() -> Iterator[Provider]:
    with Provider() as running:
        yield running


def settings_for(provider: Provider, **changes: str | None) -> OidcSettings:
    base = OidcSettings(provider.issuer, CLIENT_ID, CLIENT_SECRET, "preferred_username")
    return replace(base, **changes)


@pytest.fixture
def gallery(vault: Vault, provider: Provider) -> Iterator[str]:
    vault.people.add_user("vi", "viewer", "test")
    vault.people.add_user("ed", "editor", "test")
    vault.people.add_user("ada", "admin", "test")
    app = create_app(vault, WebSettings(port=0, oidc=settings_for(provider)))
    with ServerThread(app) as running:
        yield running.url


def browse(base_url: str) -> httpx.Client:
    """A client that follows redirects and keeps cookies, like a browser (scripts aside)."""
    return httpx.Client(base_url=base_url, follow_redirects=True, timeout=30)


def test_the_whole_flow_signs_in_as_the_mapped_user(gallery: str, provider: Provider) -> None:
    seen: list[httpx.Response] = []
    with browse(gallery) as browser:
        browser.event_hooks["response"] = [lambda r: seen.append(r)]
        form = browser.get("/signin")
        assert 'id="signin-oidc"' in form.text and "/oidc/login" in form.text
        assert browser.get("/api/whoami").status_code == 401
        done = browser.get("/oidc/login", params={"next": "/albums"})
        assert done.status_code == 200 and "Signed in as vi" in done.text
        assert [r.status_code for r in done.history] == [302, 302]  # off and back
        assert 'http-equiv="refresh"' in done.text and "url=/albums" in done.text
        cookie = done.headers.get_list("set-cookie")
        session = next(c for c in cookie if c.startswith("ideovault_session="))
        assert "HttpOnly" in session and "samesite=strict" in session.lower()
        assert browser.get("/api/whoami").json() == {
            "name": "vi",
            "role": "viewer",
            "scopes": ["images:read"],
        }
        assert browser.get("/albums").status_code == 200
        first = browser.cookies["ideovault_session"]
        provider.person = {"sub": "u-2", "preferred_username": "ED"}  # case does not matter
        browser.get("/oidc/login")  # signing in again: a new session, the old one ends
        assert browser.get("/api/whoami").json()["name"] == "ed"
        assert browser.cookies["ideovault_session"] != first
        stale = httpx.get(gallery + "/api/whoami", cookies={"ideovault_session": first})
        assert stale.status_code == 401
        assert browser.get("/signout").url.path == "/signin"
        assert browser.get("/api/whoami").status_code == 401
    assert provider.seen[:3] == ["discovery", "authorize", "token"]
    for response in seen:  # the client secret never reaches the browser
        assert CLIENT_SECRET not in response.text + str(response.headers)


def test_a_state_that_does_not_match_is_refused(gallery: str, provider: Provider) -> None:
    with httpx.Client(base_url=gallery, timeout=30) as browser:
        to_provider = browser.get("/oidc/login")
        assert to_provider.status_code == 302
        back = httpx.get(to_provider.headers["location"])  # the provider approves
        callback = urlsplit(back.headers["location"])
        query = parse_qs(callback.query)
        forged = browser.get(
            "/oidc/callback", params={"code": query["code"][0], "state": "not-the-state"}
        )
        assert forged.status_code == 403 and "mismatching_state" in forged.text
        assert "ideovault_session" not in browser.cookies
        # a callback in another browser (no state cookie) is refused as well
        other = httpx.get(gallery + "/oidc/callback?" + callback.query)
        assert other.status_code == 400 and "another browser" in other.text
        assert "ideovault_session" not in other.cookies


@pytest.mark.parametrize(
    ("claim", "value", "what"),
    [("nonce", "a-replayed-nonce", "nonce"), ("iss", "http://127.0.0.1:1", "iss"),
     ("aud", "someone-else", "aud")],
)  # fmt: skip
def test_a_wrong_nonce_issuer_or_audience_is_refused(
    gallery: str, provider: Provider, claim: str, value: str, what: str
) -> None:
    provider.tamper = {claim: value}
    with browse(gallery) as browser:
        answer = browser.get("/oidc/login")
        assert answer.status_code == 403 and what in answer.text
        assert "refused" in answer.text and "ideovault_session" not in browser.cookies
        assert browser.get("/api/whoami").status_code == 401


def test_unknown_and_disabled_people_are_refused(
    gallery: str, provider: Provider, vault: Vault
) -> None:
    provider.person = {"sub": "u-9", "preferred_username": "mallory"}
    with browse(gallery) as browser:
        answer = browser.get("/oidc/login")
        assert answer.status_code == 403
        assert "is not a user of this vault" in answer.text and "user add mallory" in answer.text
        assert "ideovault_session" not in browser.cookies
    provider.person = {"sub": "u-2", "preferred_username": "ed"}
    with browse(gallery) as browser:
        assert browser.get("/oidc/login").status_code == 200
        vault.people.disable("ed", "test")
        assert browser.get("/api/whoami").status_code == 401  # disabling ends the session
        answer = browser.get("/oidc/login")
        assert answer.status_code == 403 and "disabled" in answer.text


def test_email_mapping_needs_a_verified_address_in_the_domain(
    vault: Vault, provider: Provider
) -> None:
    vault.people.add_user("ada", "admin", "test")
    oidc = settings_for(provider, claim="email", email_domain="example.com")
    with ServerThread(create_app(vault, WebSettings(port=0, oidc=oidc))) as running:
        cases = [
            ({"email": "ada@example.com", "email_verified": False}, 403, "not verified"),
            ({"email": "ada@evil.example", "email_verified": True}, 403, "only addresses"),
            ({"email": "Ada@Example.com", "email_verified": True}, 200, "Signed in as ada"),
        ]
        for claims, status, text in cases:
            provider.person = {"sub": "u-1", **claims}
            with browse(running.url) as browser:
                answer = browser.get("/oidc/login")
                assert answer.status_code == status and text in answer.text, claims


def test_a_claim_only_in_userinfo_is_fetched_from_there(gallery: str, provider: Provider) -> None:
    provider.only_in_userinfo = {"preferred_username"}
    with browse(gallery) as browser:
        assert "Signed in as vi" in browser.get("/oidc/login").text
    assert "userinfo" in provider.seen


def test_an_unreachable_provider_is_a_clear_page(vault: Vault) -> None:
    oidc = OidcSettings("http://127.0.0.1:9", CLIENT_ID, CLIENT_SECRET, "preferred_username")
    with ServerThread(create_app(vault, WebSettings(port=0, oidc=oidc))) as running:
        answer = httpx.get(running.url + "/oidc/login")
        assert answer.status_code == 502 and "cannot be reached" in answer.text
        assert CLIENT_SECRET not in answer.text


def test_without_the_extra_the_message_names_it(
    vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [m for m in sys.modules if m == "authlib" or m.startswith("authlib.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "authlib", None)
    monkeypatch.delitem(sys.modules, "ideovault.web.oidc", raising=False)
    monkeypatch.delattr(ideovault.web, "oidc", raising=False)  # as if never imported
    oidc = OidcSettings("https://id.example", CLIENT_ID, CLIENT_SECRET)
    with pytest.raises(MissingExtra) as caught:
        create_app(vault, WebSettings(port=0, oidc=oidc))
    assert "ideovault[oidc]" in str(caught.value) and "OpenID Connect" in str(caught.value)


def test_the_settings_come_from_the_file_and_the_environment(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {"IDEOVAULT_OIDC_CLIENT_SECRET": CLIENT_SECRET}
    (home / "ideovault.toml").write_text(
        '[oidc]\nissuer = "https://id.example/realms/team"\nclient_id = "gallery"\n'
        'claim = "email"\nemail_domain = "Example.com"\n'
    )
    oidc = load_settings(home=home, env=env).oidc
    assert oidc is not None and oidc.client_id == "gallery" and oidc.email_domain == "example.com"
    assert CLIENT_SECRET not in repr(oidc) and CLIENT_SECRET not in repr(
        load_settings(home=home, env=env)
    )
    with pytest.raises(UserError, match="missing: IDEOVAULT_OIDC_CLIENT_SECRET"):
        load_settings(home=home, env={})
    top = '[oidc]\nissuer = "https://id.example"\n'
    bad = {
        top + 'client_id = "g"\nclient_secret = "x"\n': "must not hold",
        top.replace("https", "http")
        + 'client_id = "g"\nclaim = "preferred_username"\n': "https://",
        top + 'client_id = "g"\n': "email_domain",
        top + 'claim = "sub"\n': "IDEOVAULT_OIDC_CLIENT_ID",
        top + 'client_id = "g"\nclaim = "sub"\n': "claim must be",
        top + 'client = "g"\n': "unknown key",
    }
    for text, message in bad.items():
        (home / "ideovault.toml").write_text(text)
        with pytest.raises(UserError) as caught:
            load_settings(home=home, env=env)
        assert message in str(caught.value) and CLIENT_SECRET not in str(caught.value), text
    (home / "ideovault.toml").write_text("")
    assert load_settings(home=home, env={}).oidc is None
    with pytest.raises(UserError, match="IDEOVAULT_OIDC_ISSUER"):  # a secret alone is half
        load_settings(home=home, env=env)
