"""End to end in a real browser: Playwright drives Debian's Chromium against the real server
(fixtures in ``tests/web/chromium.py``)."""

from __future__ import annotations

from ideovault.vault import Vault
from tests.waiting import wait_for
from tests.web.chromium import browser, page, playwright_sync, shot, site, tiles
from tests.web.conftest import HOSTILE, HOSTILE_TAG

__all__ = ["browser", "page", "site"]  # fixtures used by the tests below


def test_grid_loads_scrolls_and_shows_thumbnails(page: playwright_sync.Page) -> None:
    page.set_viewport_size({"width": 1280, "height": 300})
    page.goto("/")
    assert tiles(page).count() >= 2
    page.mouse.wheel(0, 5000)
    playwright_sync.expect(tiles(page)).to_have_count(5)
    # Polled from Python: the page's CSP (rightly) forbids the eval that wait_for_function uses.
    loaded = "() => Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)"
    wait_for(lambda: page.evaluate(loaded), timeout=60, what="the thumbnails loading")
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, "gallery")


def test_a_script_in_a_prompt_renders_as_text(page: playwright_sync.Page, vault: Vault) -> None:
    page.goto("/")
    page.mouse.wheel(0, 5000)
    playwright_sync.expect(tiles(page)).to_have_count(5)
    playwright_sync.expect(page.locator(".caption .prompt", has_text=HOSTILE)).to_have_count(1)
    hostile = vault.images.search(f"tag:{HOSTILE_TAG}").records[0]
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
    assert vault.images.get(first_id or "").starred

    page.fill("#tag-input", "Sea View")
    page.press("#tag-input", "Enter")
    playwright_sync.expect(page.locator("#tag-list .tag[data-tag='sea-view']")).to_have_count(1)
    assert "sea-view" in vault.images.get(first_id or "").tags
    page.click("#tag-list .tag[data-tag='sea-view'] .untag")
    playwright_sync.expect(page.locator("#tag-list .tag[data-tag='sea-view']")).to_have_count(0)

    page.click("#trash")
    playwright_sync.expect(page.locator("#restore")).to_be_visible()
    assert vault.images.get(first_id or "").trashed_at is not None
    shot(page, "detail-trashed")
    page.click("#restore")
    playwright_sync.expect(page.locator("#trash")).to_be_visible()
    assert vault.images.get(first_id or "").trashed_at is None

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
    victim = vault.images.search("lighthouse").records[0]
    vault.upkeep.trash([victim.id])
    page.goto("/trash")
    playwright_sync.expect(tiles(page)).to_have_count(1)
    shot(page, "trash")
    page.click("#grid .tile button.restore")
    playwright_sync.expect(tiles(page)).to_have_count(0)
    assert vault.images.get(victim.id).trashed_at is None


def test_report_draws_charts(page: playwright_sync.Page) -> None:
    page.goto("/report")
    for slug in ("images-by-month", "bytes-by-model", "cost-by-model"):
        assert page.locator(f"#chart-{slug} rect.bar").count() >= 1
    playwright_sync.expect(page.locator("#totals")).to_contain_text("5")
    shot(page, "report")
