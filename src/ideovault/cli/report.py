"""`ideovault report`: a readable report with bars on a terminal, JSON for scripts."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from ideovault.cli.app import GLOBALS, app
from ideovault.cli.options import Json
from ideovault.cli.output import human_size, out, print_json, short

BAR = 30


def _table(title: str, rows: list[dict[str, Any]], limit: int = 12) -> Table:
    table = Table(title=title, title_justify="left", header_style="bold", box=None)
    for name, justify in (("", "left"), ("images", "right"), ("size", "right"),
                          ("est. cost", "right"), ("", "left")):  # fmt: skip
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    top = max((r["bytes"] for r in rows), default=0) or 1
    for row in rows[:limit]:
        bar = "█" * max(1 if row["bytes"] else 0, round(BAR * row["bytes"] / top))
        table.add_row(
            escape(str(row["key"])), str(row["images"]), human_size(row["bytes"]),
            f"${row['cost_usd']:.2f}", f"[cyan]{bar}[/]",
        )  # fmt: skip
    if len(rows) > limit:
        table.add_row(f"… {len(rows) - limit} more", "", "", "", "")
    return table


@app.command()
def report(
    as_json: Json = False,
    exact: Annotated[
        bool,
        typer.Option(
            "--exact", help="Count every row again instead of reading the running totals."
        ),
    ] = False,
) -> None:
    """What the vault holds and what it cost (estimates), broken down several ways."""
    with GLOBALS.open_vault() as vault:
        data = vault.images.report(exact=exact)
    if as_json:
        print_json(data)
        return
    total = data["total"]
    out.print(
        f"[bold]{total['images']} images, {human_size(total['bytes'])}, "
        f"est. ${total['cost_usd']:.2f}[/] (prices as of {total['prices_as_of']})"
    )
    out.print("status: " + ", ".join(f"{k} {v}" for k, v in sorted(data["by_status"].items())))
    for key, title in (("by_model", "by model"), ("by_style", "by style"),
                       ("by_aspect", "by aspect ratio"), ("by_month", "by month"),
                       ("by_tag", "by tag"), ("by_creator", "by person")):  # fmt: skip
        out.print()
        out.print(_table(title, data[key]))
    if "by_person" in data:
        out.print()
        out.print("[bold]spent by person, month and model[/] (estimates when requested)")
        for row in data["by_person"]:
            out.print(
                f"  {escape(row['person']):<16} {row['month']}  {escape(row['model']):<12} "
                f"{row['generations']:>5} generations  ${row['usd']:.2f}"
            )
    out.print()
    out.print("[bold]largest[/]")
    for r in data["largest"]:
        out.print(
            f"  {r['id']}  {human_size(r['size_bytes']):>9}  {escape(short(r['prompt'], 50))}"
        )
    out.print("[bold]oldest[/]")
    for r in data["oldest"]:
        out.print(f"  {r['id']}  {r['created_at'][:10]}  {escape(short(r['prompt'], 50))}")
