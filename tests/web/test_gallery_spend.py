"""The gallery never spends money on one click: an action that calls the Ideogram API shows
its estimated price and runs only after a confirmation, within the budget (issue 12, item 11)."""

from __future__ import annotations

import httpx

from ideogram_fake import FakeServer
from ideovault.vault import Vault
from tests.web.chromium import browser, page, playwright_sync, shot, site
from tests.web.conftest import CHANGE

__all__ = ["browser", "page", "site"]  # fixtures used by the tests below

expect = playwright_sync.expect


def _unseeded(vault: Vault) -> str:
    """An image whose reproduction is a new call (its first request had no explicit seed)."""
    return vault.images.search("lighthouse").records[0].id


def test_reproduce_asks_with_the_price_first(
    page: playwright_sync.Page, vault: Vault, fake: FakeServer
) -> None:
    image_id = _unseeded(vault)
    fake.reset()
    page.goto(f"/images/{image_id}")
    page.click("#reproduce")
    dialog = page.locator("dialog.confirm")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#confirm-text")).to_contain_text("estimated $0.06")
    shot(page, "reproduce-confirm", full_page=False)
    assert fake.stats()["generate_calls"] == 0  # asking costs nothing
    page.click("#confirm-cancel")
    expect(dialog).to_have_count(0)
    expect(page.locator("#message")).to_have_text("not reproduced")
    assert fake.stats()["generate_calls"] == 0

    page.click("#reproduce")
    page.click("#confirm-ok")
    expect(page.locator("#message")).to_have_text("reproduced")
    expect(page.locator("#reproduced-list li")).to_have_count(1)
    assert fake.stats()["generate_calls"] == 1


def test_reproduce_over_the_budget_is_refused_before_any_call(
    page: playwright_sync.Page, vault: Vault, fake: FakeServer
) -> None:
    image_id = _unseeded(vault)
    vault.context.settings.extra["budget"] = {"daily_usd": 0.01}
    fake.reset()
    page.goto(f"/images/{image_id}")
    page.click("#reproduce")
    expect(page.locator("#confirm-text")).to_contain_text("over the daily budget")
    expect(page.locator("#confirm-ok")).to_have_count(0)  # nothing to confirm
    page.click("#confirm-cancel")
    assert fake.stats()["generate_calls"] == 0


def test_rest_reproduce_dry_run_and_ceiling(
    client: httpx.Client, vault: Vault, fake: FakeServer
) -> None:
    image_id = _unseeded(vault)
    fake.reset()
    dry = client.post(f"/api/images/{image_id}/reproduce", json={"dry_run": True}, headers=CHANGE)
    assert dry.status_code == 200, dry.text
    assert dry.json()["quote"]["estimated_usd"] == 0.06
    assert dry.json()["images"] == []
    low = client.post(f"/api/images/{image_id}/reproduce", json={"max_usd": 0.01}, headers=CHANGE)
    assert low.status_code == 400
    assert "over --budget" in low.json()["detail"]
    assert fake.stats()["generate_calls"] == 0
    seeded = vault.images.search("neon").records[0].id  # asked with seed 1234: the vault answers
    free = client.post(f"/api/images/{seeded}/reproduce", json={"dry_run": True}, headers=CHANGE)
    assert free.json()["quote"]["estimated_usd"] == 0.0
