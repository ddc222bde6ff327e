"""`report`: what the vault holds and what it cost, by model, style, aspect, month, tag and
person (``by_creator``: the images each person made that are kept, at today's prices).

The numbers come from the catalog's running totals (``catalog/aggregates.py``), a few hundred
rows whatever the size of the vault; ``exact=True`` counts every row instead, and the two must
agree. Dollars are computed here, from (model, speed) counts, so a changed price table applies
to everything already stored.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from ideovault.catalog import aggregates
from ideovault.catalog.ratings import MAX_RATING
from ideovault.vault import people
from ideovault.vault.prices import AS_OF, price_per_image, price_table

if TYPE_CHECKING:
    from ideovault.vault.context import VaultContext

# "person" is each image's creator (migration 0013): who generated, uploaded or imported it.
BREAKDOWNS = {"model": "by_model", "style": "by_style", "aspect": "by_aspect",
              "month": "by_month", aggregates.TAG: "by_tag", "person": "by_creator"}  # fmt: skip


def _fold(rows: list[aggregates.Row], prices: Any) -> list[dict[str, Any]]:
    """Sum the (key, model, speed) rows per key, pricing each group; biggest first."""
    totals: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"images": 0, "bytes": 0, "cost_usd": 0.0}
    )
    for _, key, model, speed, count, size in rows:
        entry = totals[key or "(none)"]
        entry["images"] += count
        entry["bytes"] += size
        entry["cost_usd"] += count * price_per_image(prices, model, speed or None)
    out = [{"key": k, **v} for k, v in totals.items() if v["images"]]
    for entry in out:
        entry["cost_usd"] = round(entry["cost_usd"], 4)
    return sorted(out, key=lambda e: (-e["bytes"], -e["images"], str(e["key"])))


def _ratings(rows: list[aggregates.Row]) -> dict[str, int]:
    """Live images by rating: {"unrated": n, "1": n, ... "5": n} (the key '' is unrated)."""
    found: dict[str, int] = defaultdict(int)
    for _, key, _, _, count, _ in rows:
        found[key or "unrated"] += count
    stars = {str(n): found[str(n)] for n in range(1, MAX_RATING + 1)}
    return {"unrated": found["unrated"], **stars}


def report(ctx: VaultContext, *, exact: bool = False) -> dict[str, Any]:
    prices = price_table(ctx.settings.extra)
    rows = ctx.catalog.report.recount() if exact else ctx.catalog.report.totals()
    by_dimension: dict[str, list[aggregates.Row]] = defaultdict(list)
    for row in rows:
        by_dimension[row[0]].append(row)
    result: dict[str, Any] = {
        name: _fold(by_dimension[dimension], prices) for dimension, name in BREAKDOWNS.items()
    }
    result["by_month"].sort(key=lambda e: str(e["key"]))
    status: dict[str, int] = defaultdict(int)
    for _, key, _, _, count, _ in by_dimension["status"]:
        status[key] += count
    result["by_status"] = {k: v for k, v in status.items() if v}
    result["by_rating"] = _ratings(by_dimension["rating"])
    result["total"] = {
        "images": sum(e["images"] for e in result["by_model"]),
        "bytes": sum(e["bytes"] for e in result["by_model"]),
        "cost_usd": round(sum(e["cost_usd"] for e in result["by_model"]), 4),
        "prices_as_of": AS_OF,
    }
    growth, running = [], 0
    for month in result["by_month"]:
        running += month["bytes"]
        growth.append(
            {"month": month["key"], "added_bytes": month["bytes"], "total_bytes": running}
        )
    result["growth"] = growth
    ext = ctx.catalog.report.extremes()
    result["largest"] = [_plain(r) for r in ext["largest"]]
    result["oldest"] = [_plain(r) for r in ext["oldest"]]
    # A team vault: who spent what (estimates at request time, failed requests included), by
    # person, model and month, from the audit log's generate entries.
    if people.is_team(ctx):
        result["by_person"] = people.cost_by_person(ctx)
    return result


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    created = row["created_at"]
    return {**row, "created_at": created.isoformat() if hasattr(created, "isoformat") else created}
