"""The report's numbers against a vault whose contents the test controls."""

from __future__ import annotations

from sqlalchemy import update

from ideovault.catalog.schema import images
from ideovault.vault import Vault
from ideovault.vault.sending import SendOptions


def test_report_counts_bytes_and_costs(vault: Vault) -> None:
    a = vault.generations.generate(
        "poster one", model="V_2", seed=1, options=SendOptions(tags=("poster",))
    )
    b = vault.generations.generate(
        "two turbo",
        rendering_speed="TURBO",
        num_images=2,
        options=SendOptions(tags=("poster", "x")),
    )
    c = vault.generations.generate("withheld UNSAFE_IMAGE", num_images=2, aspect_ratio="16x9")
    gone = vault.generations.generate("trashed", seed=4)
    vault.upkeep.trash([gone[0].id])
    with vault.context.catalog.engine.begin() as conn:
        conn.execute(update(images).where(images.c.trashed_at.is_(None)).values(size_bytes=1000))
        conn.execute(update(images).where(images.c.status == "unsafe").values(size_bytes=None))
    report = vault.images.report()
    assert report["total"]["images"] == 5  # the trashed one is not counted, the unsafe one is
    assert report["total"]["bytes"] == 4000
    # V_2 0.08 + 2 x V_3 TURBO 0.03 + 2 x V_3 DEFAULT 0.06 (unsafe images are billed too)
    assert report["total"]["cost_usd"] == round(0.08 + 2 * 0.03 + 2 * 0.06, 4)
    by_model = {e["key"]: e for e in report["by_model"]}
    assert by_model["V_2"]["images"] == 1 and by_model["V_3"]["images"] == 4
    by_tag = {e["key"]: e["images"] for e in report["by_tag"]}
    assert by_tag == {"poster": 3, "x": 2}
    assert {e["key"]: e["images"] for e in report["by_aspect"]} == {"1x1": 3, "16x9": 2}
    assert report["by_status"] == {"stored": 4, "unsafe": 1, "trashed": 1}
    assert len(report["by_month"]) == 1 and report["growth"][0]["total_bytes"] == 4000
    assert report["largest"][0]["size_bytes"] == 1000
    assert report["oldest"][0]["id"] == a[0].id
    assert b and c
    assert vault.images.report(exact=True) == report  # the running totals equal a recount


def test_prices_can_be_overridden(vault: Vault) -> None:
    vault.generations.generate("priced", model="V_2", seed=1)
    vault.context.settings.extra["prices"] = {"V_2": 0.5}
    assert vault.images.report()["total"]["cost_usd"] == 0.5
