"""Signing in and out of a team's gallery in Chromium, and what each role sees.

A viewer's pages leave out every button that would change or generate (the server refuses
those requests anyway: ``test_team_access.py``); an editor's have them and they work. Signing
out returns to the sign-in page and the old session cookie no longer opens anything.
"""

from __future__ import annotations

import re

import httpx
import pytest

from ideovault.config_oidc import OidcSettings
from ideovault.vault import Vault
from ideovault.web import WebSettings, create_app
from ideovault.web.serve import ServerThread
from tests.waiting import wait_for
from tests.web.chromium import browser, page, playwright_sync, shot, site, tiles

__all__ = ["browser", "page", "site"]  # fixtures used by the tests below
expect = playwright_sync.expect
CHANGING = ("#generate", "#bulk-trash", "#bulk-star", "#bulk-tag-form", "#bulk-rate")


def key_for(vault: Vault, name: str, role: str) -> str:
    vault.people.add_user(name, role, "test")
    return vault.people.create_key(name, [], None, "test")[1]


def sign_in(page: playwright_sync.Page, key: str) -> None:
    page.goto("/")
    expect(page).to_have_url(
        re.compile(r"/signin\?next=/$")
    )  # a team vault sends strangers to sign in
    page.fill("#signin-key", key)
    page.click("#signin-submit")
    expect(page.locator("#grid")).to_be_visible()
    expect(tiles(page).first).to_be_visible()


def test_an_editor_signs_in_sees_the_buttons_and_signs_out(
    page: playwright_sync.Page, vault: Vault, site: str
) -> None:
    key = key_for(vault, "ed", "editor")
    key_for(vault, "vi", "viewer")
    sign_in(page, key)
    expect(page.locator("#who")).to_contain_text("ed")
    expect(page.locator("#who")).to_contain_text("editor")
    for selector in CHANGING:
        expect(page.locator(selector)).to_have_count(1)
    shot(page, "signed-in-editor")
    first = vault.images.list(1).records[0].id
    page.goto(f"/images/{first}")
    for selector in ("#star", "#trash", "#reproduce", "#tag-form", "#rating button.rate"):
        expect(page.locator(selector).first).to_be_attached()
    page.click("#star")
    expect(page.locator("#star")).to_have_attribute("aria-pressed", "true")
    wait_for(lambda: vault.images.get(first).starred, what="the star to reach the vault")
    session = next(c for c in page.context.cookies() if c["name"] == "ideovault_session")
    assert session["httpOnly"] and session["sameSite"] == "Strict"
    page.click("#signout")
    expect(page).to_have_url(re.compile(r"/signin$"))
    expect(page.locator("#signin-key")).to_be_visible()
    old = httpx.get(site + "/api/whoami", cookies={"ideovault_session": session["value"]})
    assert old.status_code == 401  # the session ended with the sign-out
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/signin\?next=/$"))


def test_a_viewer_sees_no_button_that_would_change_anything(
    page: playwright_sync.Page, vault: Vault
) -> None:
    first = vault.images.list(1).records[0].id
    vault.upkeep.trash([vault.images.list(2).records[1].id])
    sign_in(page, key_for(vault, "vi", "viewer"))
    expect(page.locator("#who")).to_contain_text("viewer")
    for selector in CHANGING:
        expect(page.locator(selector)).to_have_count(0)
    expect(page.locator("#bulk-zip")).to_have_count(1)  # reading is a viewer's to do
    changes: list[str] = []
    page.on("request", lambda r: changes.append(r.url) if r.method != "GET" else None)
    page.locator("#grid .tile .pick").first.click()
    expect(page.locator("#selection-bar")).to_be_visible()
    for key in ("Delete", "s", "3"):
        page.keyboard.press(key)  # keys that would change images do nothing
    shot(page, "signed-in-viewer")
    page.goto(f"/images/{first}")
    expect(page.locator("#copy-prompt")).to_be_visible()
    for selector in ("#star", "#trash", "#restore", "#reproduce", "#tag-form", ".untag"):
        expect(page.locator(selector)).to_have_count(0)
    expect(page.locator("#rating button")).to_have_count(0)
    expect(page.locator("#rating")).to_contain_text("Rating")
    for key in ("s", "Delete", "4"):
        page.keyboard.press(key)
    page.goto("/trash")
    expect(tiles(page)).to_have_count(1)
    expect(page.locator("button.restore")).to_have_count(0)
    assert changes == []  # every request before this page's load has been reported
    assert not vault.images.get(first).starred and vault.images.get(first).trashed_at is None


def test_signing_in_with_openid_connect_across_sites(
    page: playwright_sync.Page, vault: Vault
) -> None:
    """The provider is another site (localhost, the gallery 127.0.0.1) and the way back starts
    on its page: the state cookie must come back (SameSite=Lax), and the Strict session cookie
    must be sent once the callback's page moves on to the gallery (after a plain redirect
    Chromium would withhold it: the navigation began on another site)."""
    pytest.importorskip("authlib")
    from tests.web.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider

    vault.people.add_user("vi", "viewer", "test")
    with Provider(host="localhost", consent=True) as provider:
        oidc = OidcSettings(provider.issuer, CLIENT_ID, CLIENT_SECRET, "preferred_username")
        with ServerThread(create_app(vault, WebSettings(port=0, oidc=oidc))) as gallery:
            page.goto(gallery.url + "/albums")
            page.click("#signin-oidc")
            page.click("#approve")  # on the provider's page: the way back starts there
            expect(page).to_have_url(re.compile(r"127\.0\.0\.1:\d+/albums$"))
            expect(page.locator("#who")).to_contain_text("vi")
            expect(page.locator("h1.view-title")).to_have_text("Albums")
            page.click("#signout")
            expect(page).to_have_url(re.compile(r"/signin$"))
    assert provider.seen[:3] == ["discovery", "authorize", "token"]
