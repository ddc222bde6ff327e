"""Playwright fixtures for the browser tests: Debian's Chromium against the real server.

Screenshots go to ``test-artifacts/`` (git-ignored) so a person can look at what the tests saw.
Chromium comes from apt (``make test`` installs it when missing); ``playwright install`` is
never used. Test modules import the fixtures they use from here.

Every wait is playwright's own (actions and ``expect`` poll until the page is in the state
asked for); the timeouts only bound a failure, so they are generous enough for a loaded
two-core machine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ideovault.vault import Vault
from ideovault.web import WebSettings, create_app
from ideovault.web.serve import ServerThread
from tests.waiting import wait_for

playwright_sync = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path("/usr/bin/chromium")
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip

WAIT_MS = 60_000  # for an element, an expectation, a click
LOAD_MS = 120_000  # for a navigation or the browser's start

if not CHROMIUM.exists():
    pytest.skip(
        "Debian's chromium is not installed (make test installs it)", allow_module_level=True
    )

playwright_sync.expect.set_options(timeout=WAIT_MS)


@pytest.fixture(scope="module")
def browser() -> Iterator[playwright_sync.Browser]:
    with playwright_sync.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=ARGS, timeout=LOAD_MS
        )
        yield b
        b.close()


@pytest.fixture
def site(vault: Vault) -> Iterator[str]:
    """The gallery with two images per page, so that scrolling has more to load."""
    with ServerThread(create_app(vault, WebSettings(page_size=2))) as running:
        yield running.url


def new_context(browser: playwright_sync.Browser, **options: Any) -> playwright_sync.BrowserContext:
    """A browser context whose waits have the generous bounds above."""
    context = browser.new_context(**options)
    context.set_default_timeout(WAIT_MS)
    context.set_default_navigation_timeout(LOAD_MS)
    return context


@pytest.fixture
def page(browser: playwright_sync.Browser, site: str) -> Iterator[playwright_sync.Page]:
    context = new_context(browser, base_url=site, viewport={"width": 1280, "height": 900})
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


def poll(check: Callable[[], object], what: str, timeout: float = 60.0) -> None:
    """Wait for a condition checked from Python (the CSP forbids wait_for_function's eval)."""
    wait_for(check, timeout=timeout, what=what)


def settled(page: playwright_sync.Page) -> None:
    """Wait until the grid has loaded the pages the screen shows (it fills a tall screen by
    itself, so how many tiles there are is known only then)."""
    playwright_sync.expect(page.locator("#grid")).to_have_attribute("data-state", "idle")
