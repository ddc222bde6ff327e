"""`ideovault similar`, `dupes`, `backfill`: find pictures by what they look like."""

from __future__ import annotations

from typing import Annotated

import typer

from ideovault.cli.app import GLOBALS, app
from ideovault.cli.options import Json
from ideovault.cli.output import images_table, out, print_json, say


@app.command()
def similar(
    image_id: Annotated[str, typer.Argument(metavar="ID")],
    limit: Annotated[int, typer.Option("--limit", "-l", help="How many (1 … 1000).")] = 20,
    as_json: Json = False,
) -> None:
    """Images that look like this one, closest first (0 = same picture)."""
    with GLOBALS.open_vault() as vault:
        matches = vault.similar(image_id, limit)
    if as_json:
        print_json([{**m.record.to_json(), "distance": m.distance} for m in matches])
        return
    out.print(images_table([m.record for m in matches]))
    say("distances: " + ", ".join(str(m.distance) for m in matches))


@app.command()
def dupes(
    max_distance: Annotated[
        int, typer.Option("--max-distance", help="Differing bits allowed (0-3).")
    ] = 3,
    as_json: Json = False,
) -> None:
    """Groups of near-identical images across the vault."""
    with GLOBALS.open_vault() as vault:
        groups = vault.upkeep.dupes(max_distance)
    if as_json:
        print_json(
            [[{**m.record.to_json(), "distance": m.distance} for m in group] for group in groups]
        )
        return
    for n, group in enumerate(groups, 1):
        out.print(images_table([m.record for m in group], title=f"group {n}"))
    say(f"{len(groups)} group(s) of near-identical images")


@app.command()
def backfill(as_json: Json = False) -> None:
    """Compute perceptual hashes for stored images that lack one."""
    with GLOBALS.open_vault() as vault:
        report = vault.upkeep.backfill()
    unreadable = report.unreadable or []
    if as_json:
        print_json({"hashed": report.hashed, "unreadable": unreadable, "embedded": report.embedded})
    else:
        say(f"hashed {report.hashed} image(s)")
        if report.embedded is not None:
            say(f"embedded {report.embedded} prompt(s) for semantic search")
        for image_id in unreadable:
            say(f"[red]unreadable[/] {image_id}: run `ideovault verify`")
    if unreadable:
        raise typer.Exit(1)
