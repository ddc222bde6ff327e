"""The gallery's sign-in with a personal key, sessions, key guessing, and how a team vault
behaves next to the older IDEOVAULT_TOKEN mode."""

from __future__ import annotations

import httpx
import pytest

from ideovault.errors import UserError
from ideovault.vault import Vault
from ideovault.web import WebSettings, create_app
from ideovault.web.auth import MAX_FAILURES
from ideovault.web.serve import ServerThread

TOKEN = "t0ken-for-tests-0123456789abcdef"


def test_sign_in_with_a_key_gives_a_rotating_session(vault: Vault) -> None:
    vault.people.add_user("vi", "viewer", "test")
    row, key = vault.people.create_key("vi", [], None, "test")
    app = create_app(vault, WebSettings(port=0))
    with (
        ServerThread(app) as running,
        httpx.Client(base_url=running.url, follow_redirects=False) as browser,
    ):
        assert browser.get("/").status_code == 401  # a team vault needs a sign-in
        form = browser.get("/signin")
        assert form.status_code == 200 and 'name="key"' in form.text
        wrong = browser.get("/signin", params={"key": "ivk_" + "0" * 32 + "_" + "x" * 43})
        assert wrong.status_code == 401 and "set-cookie" not in wrong.headers
        planted = browser.get(
            "/signin", params={"key": key}, headers={"Sec-Fetch-Site": "cross-site"}
        )
        assert planted.status_code == 403 and "set-cookie" not in planted.headers
        signed = browser.get("/signin", params={"key": key, "next": "//evil.example/x"})
        assert signed.status_code == 303 and signed.headers["location"] == "/evil.example/x"
        cookie = signed.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
        assert key not in cookie
        first = browser.cookies["ideovault_session"]
        assert browser.get("/").status_code == 200
        assert browser.get("/api/whoami").json() == {
                "name": "vi", "role": "viewer", "scopes": ["images:read"],
            }  # fmt: skip
        browser.get("/signin", params={"key": key})  # signing in again: a new session
        second = browser.cookies["ideovault_session"]
        assert second != first
        stale = httpx.get(running.url + "/api/whoami", cookies={"ideovault_session": first})
        assert stale.status_code == 401  # the old session ended
        vault.people.revoke_key(row.id, "test")
        assert browser.get("/api/whoami").status_code == 401  # revocation ends sessions
        _, key2 = vault.people.create_key("vi", [], None, "test")
        browser.get("/signin", params={"key": key2})
        assert browser.get("/api/whoami").status_code == 200
        assert browser.get("/signout").status_code == 303
        ended = browser.cookies.get("ideovault_session")
        assert browser.get("/api/whoami").status_code == 401 and not ended


def test_guessing_keys_locks_the_address_out(vault: Vault) -> None:
    vault.people.add_user("ed", "editor", "test")
    _, key = vault.people.create_key("ed", [], None, "test")
    app = create_app(vault, WebSettings(port=0))
    with ServerThread(app) as running, httpx.Client(base_url=running.url) as c:
        for n in range(MAX_FAILURES):
            guess = f"ivk_{n:032x}_" + "A" * 43
            bad = c.get("/api/whoami", headers={"Authorization": f"Bearer {guess}"})
            assert bad.status_code == 401
        locked = c.get("/api/whoami", headers={"Authorization": f"Bearer {key}"})
        assert locked.status_code == 429  # even the right key waits out the lockout
        assert c.get("/signin", params={"key": key}).status_code == 429


def test_the_token_is_the_admin_only_while_there_are_no_users(vault: Vault) -> None:
    app = create_app(vault, WebSettings(host="0.0.0.0", token=TOKEN))
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    with ServerThread(app) as running, httpx.Client(base_url=running.url) as c:
        assert c.get("/api/whoami", headers=bearer).json()["name"] == "token"
        assert c.get("/api/users", headers=bearer).status_code == 200
        vault.people.add_user("ada", "admin", "test")
        _, key = vault.people.create_key("ada", [], None, "test")
        assert c.get("/api/whoami", headers=bearer).status_code == 401
        assert c.get("/api/whoami").status_code == 401
        me = c.get("/api/whoami", headers={"Authorization": f"Bearer {key}"})
        assert me.status_code == 200 and me.json()["name"] == "ada"
        assert c.get("/healthz").json() == {"status": "ok"}
        ready = c.get("/readyz")
        assert ready.status_code == 200 and ready.json()["database"] == "ok"


def test_a_team_may_serve_off_loopback_without_a_token(vault: Vault) -> None:
    with pytest.raises(UserError):  # an open vault off loopback
        create_app(vault, WebSettings(host="0.0.0.0"))
    create_app(vault, WebSettings(host="0.0.0.0", team=True))
    vault.people.first_admin("ada")
    app = create_app(vault, WebSettings(host="0.0.0.0", team=True))
    with ServerThread(app) as running:
        assert httpx.get(running.url + "/api/images").status_code == 401
