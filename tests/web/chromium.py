"""Playwright fixtures for the browser tests: Debian's Chromium against the real server.

Screenshots go to ``test-artifacts/`` (git-ignored) so a person can look at what the tests saw.
Chromium comes from apt (``make test`` installs it when missing); ``playwright install`` is
never used. Test modules import the fixtures they use from here.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ideovault.vault import Vault
from ideovault.web import WebSettings, create_app
from ideovault.web.serve import ServerThread

playwright_sync = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path("/usr/bin/chromium")
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip

if not CHROMIUM.exists():
    pytest.skip(
        "Debian's chromium is not installed (make test installs it)", allow_module_level=True
    )


@pytest.fixture(scope="module")
def browser() -> Iterator[playwright_sync.Browser]:
    with playwright_sync.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def site(vault: Vault) -> Iterator[str]:
    """The gallery with two images per page, so that scrolling has more to load."""
    with ServerThread(create_app(vault, WebSettings(page_size=2))) as running:
        yield running.url


@pytest.fixture
def page(browser: playwright_sync.Browser, site: str) -> Iterator[playwright_sync.Page]:
    context = browser.new_context(base_url=site, viewport={"width": 1280, "height": 900})
    p = context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda exc: errors.append(str(exc)))
    yield p
    context.close()
    assert not errors, errors  # no script errors on any page


def shot(page: playwright_sync.Page, name: str, *, full_page: bool = True) -> None:
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=full_page)


def tiles(page: playwright_sync.Page) -> playwright_sync.Locator:
    return page.locator("#grid .tile")


def poll(check: Callable[[], object], what: str, tries: int = 200) -> None:
    """Wait for a condition checked from Python (the CSP forbids wait_for_function's eval)."""
    for _ in range(tries):
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")
