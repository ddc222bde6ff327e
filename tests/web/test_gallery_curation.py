"""The curating gallery in Chromium: selection, bulk actions, the viewer and its keys, rating
keys, compare, generate with the fake, screenshots (portrait, square and wide images; mobile
width) and an accessibility check of each page with axe-core."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from ideogram_fake import FakeServer
from ideovault.vault import Vault
from ideovault.web import WebSettings, create_app
from ideovault.web.serve import ServerThread
from tests.web.chromium import (
    ARTEFACTS,
    browser,
    new_context,
    page,
    playwright_sync,
    settled,
    shot,
    tiles,
)

__all__ = ["browser", "page"]  # fixtures used by the tests below

expect = playwright_sync.expect
AXE = Path(__file__).with_name("node_modules") / "axe-core" / "axe.min.js"
RUN_AXE = "async () => (await axe.run()).violations.map(v => [v.id, v.impact, v.nodes.length])"


@pytest.fixture
def site(vault: Vault) -> Iterator[str]:
    """Two images per page (so that the viewer's keys cross pages), plus a portrait image."""
    vault.generations.generate("a tall lighthouse keeper, portrait", aspect_ratio="9x16")
    with ServerThread(create_app(vault, WebSettings(page_size=2))) as running:
        yield running.url


def load_all(page: playwright_sync.Page, n: int = 6) -> list[str]:
    page.goto("/")
    page.mouse.wheel(0, 5000)
    expect(tiles(page)).to_have_count(n)
    return [t.get_attribute("data-id") or "" for t in tiles(page).all()]


def thumb(page: playwright_sync.Page, i: int) -> playwright_sync.Locator:
    return tiles(page).nth(i).locator(".thumb img")


def test_click_shift_and_ctrl_select_then_bulk_actions(
    page: playwright_sync.Page, vault: Vault
) -> None:
    ids = load_all(page)
    thumb(page, 0).click()
    expect(page.locator("#selected-count")).to_have_text("1 selected")
    thumb(page, 3).click(modifiers=["Shift"])
    expect(page.locator("#selected-count")).to_have_text("4 selected")
    thumb(page, 1).click(modifiers=["Control"])
    expect(page.locator("#selected-count")).to_have_text("3 selected")
    chosen = [ids[0], ids[2], ids[3]]
    expect(page.locator(".tile.selected")).to_have_count(3)
    shot(page, "grid-selection")

    page.click("#bulk-star")
    expect(page.locator("#bulk-status")).to_have_text("starred (3)")
    assert [vault.images.get(i).starred for i in ids] == [True, False, True, True, False, False]
    page.select_option("#bulk-rate", "4")
    expect(page.locator("#bulk-status")).to_have_text("rated 4 (3)")
    assert all(vault.images.get(i).rating == 4 for i in chosen)
    expect(tiles(page).nth(0).locator(".stars")).to_have_text("★★★★")
    page.fill("#bulk-tag", "Client A")
    page.click("#bulk-tag-add")
    expect(page.locator("#bulk-status")).to_have_text("tagged Client A (3)")
    assert all("client-a" in vault.images.get(i).tags for i in chosen)
    page.click("#bulk-untag")
    expect(page.locator("#bulk-status")).to_have_text("untagged Client A (3)")
    assert not any("client-a" in vault.images.get(i).tags for i in chosen)
    page.fill("#bulk-album", "<b>Finals</b>")
    page.click("#bulk-album-add")
    expect(page.locator("#bulk-status")).to_have_text("added to album <b>Finals</b> (3)")
    assert [(a.name, a.count) for a in vault.albums.list()] == [("<b>Finals</b>", 3)]
    page.click("#bulk-trash")
    expect(tiles(page)).to_have_count(3)
    assert all(vault.images.get(i).trashed_at is not None for i in chosen)
    page.goto("/trash")
    page.click("#grid .tile:nth-child(1) .thumb img")
    page.click("#select-all")
    page.click("#bulk-trash")  # "Restore" in the trash
    expect(tiles(page)).to_have_count(0)
    assert not any(vault.images.get(i).trashed_at for i in chosen)


def test_select_all_results_and_download_zips(page: playwright_sync.Page, vault: Vault) -> None:
    ids = load_all(page)
    thumb(page, 0).click()
    page.click("#select-all")
    expect(page.locator("#selected-count")).to_have_text("All 6 results selected")
    page.click("#bulk-star")
    expect(page.locator("#bulk-status")).to_have_text("starred (6)")
    assert all(vault.images.get(i).starred for i in ids)
    with page.expect_download() as job:
        page.click("#bulk-zip")
    target = ARTEFACTS / "search.zip"
    ARTEFACTS.mkdir(exist_ok=True)
    job.value.save_as(target)
    with zipfile.ZipFile(target) as z:
        manifest = [json.loads(x) for x in z.read("manifest.jsonl").splitlines()]
    assert sorted(m["id"] for m in manifest) == sorted(ids)
    page.click("#select-none")
    thumb(page, 1).click()
    thumb(page, 2).click(modifiers=["Shift"])
    with page.expect_download() as job:
        page.click("#bulk-zip")
    job.value.save_as(target)
    with zipfile.ZipFile(target) as z:
        assert sorted(json.loads(x)["id"] for x in z.read("manifest.jsonl").splitlines()) == sorted(
            ids[1:3]
        )


def test_grid_keys_rate_star_and_trash(page: playwright_sync.Page, vault: Vault) -> None:
    ids = load_all(page)
    page.locator("#grid .tile .pick").first.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("5")
    expect(page.locator("#bulk-status")).to_have_text("rated 5 (1)")
    assert vault.images.get(ids[1]).rating == 5
    page.keyboard.press("s")
    expect(page.locator("#bulk-status")).to_have_text("starred (1)")
    assert vault.images.get(ids[1]).starred
    page.keyboard.press("0")
    expect(page.locator("#bulk-status")).to_have_text("rating cleared (1)")
    assert vault.images.get(ids[1]).rating is None
    page.keyboard.press("Delete")
    expect(tiles(page)).to_have_count(5)
    assert vault.images.get(ids[1]).trashed_at is not None


def test_lightbox_keys_zoom_and_pages(page: playwright_sync.Page, vault: Vault) -> None:
    for n in range(2):  # more images than a screen shows, so the grid leaves pages unloaded
        vault.generations.generate(f"square study {n}", num_images=8, aspect_ratio="1x1")
    expected = [r.id for r in vault.images.search("", limit=50).records]
    page.set_viewport_size({"width": 1280, "height": 260})
    page.goto("/")
    settled(page)  # the grid has filled the screen and stopped loading
    loaded = tiles(page).count()
    assert loaded + 2 < len(expected)  # the rest is on pages the grid has not loaded
    page.locator("#grid .tile .pick").first.focus()
    page.keyboard.press("Enter")
    box = page.locator("#lightbox")
    expect(box).to_be_visible()
    expect(box).to_have_attribute("data-id", expected[0])
    for _ in range(loaded + 1):  # quick presses, crossing into pages the grid had not loaded
        page.keyboard.press("ArrowRight")
    expect(box).to_have_attribute("data-id", expected[loaded + 1])
    page.keyboard.press("3")
    expect(page.locator("#lb-rating")).to_have_text("★★★")
    assert vault.images.get(expected[loaded + 1]).rating == 3
    page.keyboard.press("s")
    expect(page.locator("#lb-rating")).to_contain_text("starred")
    page.keyboard.press("+")
    expect(page.locator("#lb-zoom")).to_have_text("150%")
    page.keyboard.press("ArrowLeft")
    expect(box).to_have_attribute("data-id", expected[loaded])
    expect(page.locator("#lb-zoom")).to_have_text("100%")
    page.set_viewport_size({"width": 1280, "height": 800})
    shot(page, "lightbox", full_page=False)
    page.keyboard.press("Escape")
    expect(box).to_be_hidden()


def test_compare_two_images(page: playwright_sync.Page, vault: Vault) -> None:
    load_all(page)
    thumb(page, 1).click()
    thumb(page, 2).click(modifiers=["Control"])
    page.click("#bulk-compare")
    page.wait_for_url("**/compare?ids=*")
    expect(page.locator(".compare-item")).to_have_count(2)
    expect(page.locator("#compare-table tr.differ th").first).to_be_visible()
    expect(page.locator(".diff").first).to_be_visible()
    shot(page, "compare")


def test_generate_from_the_gallery_asks_then_shows_new_images_first(
    page: playwright_sync.Page, fake: FakeServer
) -> None:
    page.goto("/")
    fake.reset()
    page.click("#generate summary")
    page.fill("#g-prompt", "a snow owl reading a map")
    page.fill("#g-count", "2")
    page.click("#g-submit")
    expect(page.locator("#confirm-text")).to_contain_text("2 images, estimated $0.12")
    page.click("#confirm-cancel")
    expect(page.locator("#g-status")).to_have_text("not generated")
    assert fake.stats()["generate_calls"] == 0
    page.click("#g-submit")
    page.click("#confirm-ok")
    expect(page.locator("#g-status")).to_have_text("2 new images at the top")
    expect(tiles(page).first.locator(".prompt")).to_have_text("a snow owl reading a map")
    assert fake.stats()["generate_calls"] == 1


def test_generate_over_the_budget_is_refused(
    page: playwright_sync.Page, vault: Vault, fake: FakeServer
) -> None:
    vault.context.settings.extra["budget"] = {"daily_usd": 0.05}
    page.goto("/")
    fake.reset()
    page.click("#generate summary")
    page.fill("#g-prompt", "anything")
    page.click("#g-submit")
    expect(page.locator("#confirm-text")).to_contain_text("over the daily budget")
    expect(page.locator("#confirm-ok")).to_have_count(0)
    assert fake.stats()["generate_calls"] == 0


def test_detail_panel_is_for_people(page: playwright_sync.Page, vault: Vault) -> None:
    fox = vault.images.search("neon").records[0]
    page.goto(f"/images/{fox.id}")
    fields = page.locator("table.fields th")
    expect(fields.filter(has_text="Seed")).to_have_count(1)
    expect(page.locator("table.fields")).not_to_contain_text("expanded_prompt")
    expect(page.locator("table.fields")).to_contain_text("1234")
    expect(page.locator("#raw")).to_be_hidden()
    page.click("details.raw summary")
    expect(page.locator("#raw")).to_contain_text('"seed": 1234')
    page.keyboard.press("4")
    expect(page.locator("#message")).to_have_text("rated 4")
    assert vault.images.get(fox.id).rating == 4


def test_long_prompt_collapses_behind_more(page: playwright_sync.Page, vault: Vault) -> None:
    (record,) = vault.generations.generate("word " * 1000)
    page.goto(f"/images/{record.id}")
    top = page.locator("#star").bounding_box()
    assert top is not None and top["y"] < 900  # the actions stay in view
    page.click("#prompt-more")
    expect(page.locator("#prompt-more")).to_have_text("less")


def test_screenshots_of_grid_and_mobile(page: playwright_sync.Page) -> None:
    load_all(page)
    shapes = page.evaluate(
        "() => Array.from(document.querySelectorAll('#grid .thumb')).map("
        "t => Math.round(100 * t.clientWidth / t.clientHeight))"
    )
    assert max(shapes) > 150 and min(shapes) < 70 and 100 in shapes  # wide, portrait, square
    shot(page, "grid-shapes")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    settled(page)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, width  # nothing overflows sideways
    thumb(page, 0).click()
    expect(page.locator("#selection-bar")).to_be_visible()
    shot(page, "mobile-390")


@pytest.mark.skipif(not AXE.exists(), reason="axe-core missing: cd tests/web && npm install")
def test_accessibility_of_every_page(
    browser: playwright_sync.Browser, site: str, vault: Vault
) -> None:
    context = new_context(browser, base_url=site, bypass_csp=True)  # to inject axe-core
    p = context.new_page()
    ids = [r.id for r in vault.images.search("").records]
    vault.selection.bulk(
        vault.selection.change("album", album="Picks"), ids[:2]
    ) if vault.albums.create("Picks") else None
    pages = [
        "/",
        "/trash",
        "/albums",
        "/report",
        f"/images/{ids[0]}",
        f"/compare?ids={ids[0]},{ids[1]}",
    ]
    found = {}
    for path in pages:
        p.goto(path)
        if path in ("/", "/trash"):
            settled(p)  # checked as it stays, not while pages are still arriving
        p.add_script_tag(path=str(AXE))
        result = p.evaluate(
            "async () => (await axe.run()).violations.map(v => [v.id, v.impact, v.nodes.length])"
        )
        bad = [v for v in result if v[1] in ("serious", "critical")]
        if bad:
            found[path] = bad
    # The viewer, open.
    p.goto("/")
    settled(p)
    p.locator("#grid .tile .pick").first.focus()
    p.keyboard.press("Enter")
    expect(p.locator("#lightbox")).to_be_visible()
    p.add_script_tag(path=str(AXE))
    result = p.evaluate(
        "async () => (await axe.run()).violations.map(v => [v.id, v.impact, v.nodes.length])"
    )
    if bad := [v for v in result if v[1] in ("serious", "critical")]:
        found["lightbox"] = bad
    context.close()
    assert not found, found
