"""`report`: what the vault holds and what it cost, by model, style, aspect, month and tag."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from ideovault.catalog import report as queries
from ideovault.vault import people
from ideovault.vault.prices import AS_OF, price_per_image, price_table

if TYPE_CHECKING:
    from ideovault.vault.core import Vault


def _fold(rows: list[dict[str, Any]], prices: Any) -> list[dict[str, Any]]:
    """Sum the (key, model, speed) rows per key, pricing each group; biggest first."""
    totals: dict[Any, dict[str, Any]] = defaultdict(
        lambda: {"images": 0, "bytes": 0, "cost_usd": 0.0}
    )
    for row in rows:
        entry = totals[row["key"]]
        entry["images"] += int(row["images"])
        entry["bytes"] += int(row["bytes"])
        entry["cost_usd"] += int(row["images"]) * price_per_image(
            prices, row["model"], row["rendering_speed"]
        )
    out = [{"key": k if k is not None else "(none)", **v} for k, v in totals.items()]
    for entry in out:
        entry["cost_usd"] = round(entry["cost_usd"], 4)
    return sorted(out, key=lambda e: (-e["bytes"], -e["images"], str(e["key"])))


def report(vault: Vault) -> dict[str, Any]:
    engine = vault.catalog.engine
    prices = price_table(vault.settings.extra)
    result: dict[str, Any] = {}
    for name, column in queries.fields().items():
        result[f"by_{name}"] = _fold(queries.breakdown(engine, column), prices)
    months = _fold(queries.breakdown(engine, queries.month_column(engine)), prices)
    result["by_month"] = sorted(months, key=lambda e: str(e["key"]))
    result["by_tag"] = _fold(queries.by_tag(engine), prices)
    result["by_status"] = queries.by_status(engine)
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
    ext = queries.extremes(engine)
    result["largest"] = [_plain(r) for r in ext["largest"]]
    result["oldest"] = [_plain(r) for r in ext["oldest"]]
    if people.is_team(vault):  # a team vault: who spent what (estimates), by model and month
        result["by_person"] = people.cost_by_person(vault)
    return result


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    created = row["created_at"]
    return {**row, "created_at": created.isoformat() if hasattr(created, "isoformat") else created}
