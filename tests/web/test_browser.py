"""End to end in a real browser: Playwright drives Debian's Chromium against the real server.

Screenshots go to ``test-artifacts/`` (git-ignored) so a person can look at what the tests saw.
Chromium comes from apt (``make test`` installs it when missing); ``playwright install`` is
never used.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ideovault.vault import Vault
from ideovault.web import WebSettings, create_app
from ideovault.web.serve import ServerThread
from tests.web.conftest import HOSTILE, HOSTILE_TAG

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


def shot(page: playwright_sync.Page, name: str) -> None:
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)


def tiles(page: playwright_sync.Page) -> playwright_sync.Locator:
    return page.locator("#grid .tile")


def test_grid_loads_scrolls_and_shows_thumbnails(page: playwright_sync.Page) -> None:
    page.set_viewport_size({"width": 1280, "height": 300})
    page.goto("/")
    assert tiles(page).count() >= 2
    page.mouse.wheel(0, 5000)
    playwright_sync.expect(tiles(page)).to_have_count(5)
    # Polled from Python: the page's CSP (rightly) forbids the eval that wait_for_function uses.
    loaded = "() => Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)"
    for _ in range(100):
        if page.evaluate(loaded):
            break
        page.wait_for_timeout(100)
    assert page.evaluate(loaded), "thumbnails did not load"
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, "gallery")


def test_a_script_in_a_prompt_renders_as_text(page: playwright_sync.Page, vault: Vault) -> None:
    page.goto("/")
    page.mouse.wheel(0, 5000)
    playwright_sync.expect(tiles(page)).to_have_count(5)
    playwright_sync.expect(page.locator(".caption .prompt", has_text=HOSTILE)).to_have_count(1)
    hostile = vault.search(f"tag:{HOSTILE_TAG}").records[0]
    page.goto(f"/images/{hostile.id}")
    playwright_sync.expect(page.locator("#prompt")).to_have_text(HOSTILE)
    playwright_sync.expect(page.locator("#tag-list .tag span")).to_have_text(HOSTILE_TAG)
    assert page.evaluate("window.pwned") is None
    shot(page, "hostile-detail")


def test_search_filters_and_errors(page: playwright_sync.Page) -> None:
    page.goto("/")
    page.fill("#q", "lighthouse")
    page.press("#q", "Enter")
    page.wait_for_url("**/?q=lighthouse*")
    playwright_sync.expect(tiles(page)).to_have_count(2)
    page.fill("#q", "")
    page.select_option("#f-model", "V_2A_TURBO")
    page.click("#search-button")
    playwright_sync.expect(tiles(page)).to_have_count(1)
    playwright_sync.expect(page.locator(".caption .prompt")).to_have_text(
        "logo for a bakery called Crumb"
    )
    page.goto("/")
    page.fill("#q", 'fox "neon')
    page.press("#q", "Enter")
    playwright_sync.expect(page.locator("#search-error")).to_contain_text("position 5")
    shot(page, "search-error")


def test_detail_tag_star_trash_restore_and_keys(page: playwright_sync.Page, vault: Vault) -> None:
    page.goto("/")
    first_id = tiles(page).first.get_attribute("data-id")
    second_id = tiles(page).nth(1).get_attribute("data-id")
    tiles(page).first.locator("a").click()
    page.wait_for_url(f"**/images/{first_id}")
    playwright_sync.expect(page.locator("#full")).to_be_visible()
    page.click("#copy-prompt")
    playwright_sync.expect(page.locator("#message")).to_have_text("prompt copied")

    page.click("#star")
    playwright_sync.expect(page.locator("#star")).to_have_text("★ Starred")
    assert vault.get(first_id or "").starred

    page.fill("#tag-input", "Sea View")
    page.press("#tag-input", "Enter")
    playwright_sync.expect(page.locator("#tag-list .tag[data-tag='sea-view']")).to_have_count(1)
    assert "sea-view" in vault.get(first_id or "").tags
    page.click("#tag-list .tag[data-tag='sea-view'] .untag")
    playwright_sync.expect(page.locator("#tag-list .tag[data-tag='sea-view']")).to_have_count(0)

    page.click("#trash")
    playwright_sync.expect(page.locator("#restore")).to_be_visible()
    assert vault.get(first_id or "").trashed_at is not None
    shot(page, "detail-trashed")
    page.click("#restore")
    playwright_sync.expect(page.locator("#trash")).to_be_visible()
    assert vault.get(first_id or "").trashed_at is None

    page.keyboard.press("s")  # keyboard: unstar
    playwright_sync.expect(page.locator("#star")).to_have_text("☆ Star")
    page.keyboard.press("ArrowRight")
    page.wait_for_url(f"**/images/{second_id}")
    page.keyboard.press("ArrowLeft")
    page.wait_for_url(f"**/images/{first_id}")
    page.keyboard.press("Escape")
    page.wait_for_url(lambda url: url.rstrip("/").endswith(("", "/")) and "/images/" not in url)
    shot(page, "back-to-gallery")


def test_trash_view_restores(page: playwright_sync.Page, vault: Vault) -> None:
    victim = vault.search("lighthouse").records[0]
    vault.trash([victim.id])
    page.goto("/trash")
    playwright_sync.expect(tiles(page)).to_have_count(1)
    shot(page, "trash")
    page.click("#grid .tile button.restore")
    playwright_sync.expect(tiles(page)).to_have_count(0)
    assert vault.get(victim.id).trashed_at is None


def test_report_draws_charts(page: playwright_sync.Page) -> None:
    page.goto("/report")
    for slug in ("images-by-month", "bytes-by-model", "cost-by-model"):
        assert page.locator(f"#chart-{slug} rect.bar").count() >= 1
    playwright_sync.expect(page.locator("#totals")).to_contain_text("5")
    shot(page, "report")
