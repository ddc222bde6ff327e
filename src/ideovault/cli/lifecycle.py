"""`ideovault rm`, `trash`, `restore`, `purge`, `verify`: delete safely, prove integrity."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from ideovault.cli.app import GLOBALS, app
from ideovault.cli.options import Json
from ideovault.cli.output import human_size, images_table, out, print_json, say
from ideovault.units import parse_duration


@app.command()
def rm(
    ids: Annotated[list[str], typer.Argument(metavar="ID...")],
    as_json: Json = False,
) -> None:
    """Move images to the trash (reversible with `restore`; files are kept until `purge`)."""
    with GLOBALS.open_vault() as vault:
        records = vault.upkeep.trash(ids)
    if as_json:
        print_json([r.to_json() for r in records])
    else:
        say(f"moved {len(records)} image(s) to the trash; `ideovault restore ID` brings them back")


@app.command("trash")
def trash_list(as_json: Json = False) -> None:
    """List the images in the trash."""
    with GLOBALS.open_vault() as vault:
        records = vault.upkeep.trashed()
    if as_json:
        print_json([r.to_json() for r in records])
    else:
        out.print(images_table(records, title="trash"))


@app.command()
def restore(
    ids: Annotated[list[str], typer.Argument(metavar="ID...")],
    as_json: Json = False,
) -> None:
    """Take images out of the trash."""
    with GLOBALS.open_vault() as vault:
        records = vault.upkeep.restore(ids)
    if as_json:
        print_json([r.to_json() for r in records])
    else:
        say(f"restored {len(records)} image(s)")


@app.command()
def purge(
    older_than: Annotated[
        str | None, typer.Option("--older-than", help="e.g. 7d: trashed before.")
    ] = None,
    everything: Annotated[bool, typer.Option("--all", help="Purge the whole trash.")] = False,
    as_json: Json = False,
) -> None:
    """Delete trashed images for good (a file shared by another record is kept)."""
    age = parse_duration(older_than) if older_than else None
    with GLOBALS.open_vault() as vault:
        report = vault.upkeep.purge(age, everything)
    if as_json:
        print_json(report.to_json())
    else:
        say(
            f"purged {len(report.purged)} image(s), deleted {report.blobs_deleted} file(s), "
            f"freed {human_size(report.bytes_freed)}"
        )


@app.command()
def verify(
    repair: Annotated[
        bool, typer.Option("--repair", help="Fix what can be fixed; never deletes.")
    ] = False,
    as_json: Json = False,
) -> None:
    """Check every stored image against its sha256, find orphans and stale sidecars."""
    with GLOBALS.open_vault() as vault:
        report = vault.upkeep.verify(repair)
    if as_json:
        print_json(report.to_json())
    else:
        say(f"checked {report.checked} image(s), {human_size(report.bytes_checked)}")
        for p in report.problems:
            what = p.image_id or p.key or ""
            fixed = f" — [green]{escape(p.repaired)}[/]" if p.repaired else ""
            say(f"[red]{p.kind}[/] {escape(what)}: {escape(p.detail)}{fixed}")
        say("[green]all good[/]" if report.ok else "[red]problems found[/] (see above)")
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def rebuild(
    to: Annotated[
        str | None, typer.Option("--to", help="Database URL to fill (must be empty).")
    ] = None,
    as_json: Json = False,
) -> None:
    """Rebuild the catalog from the sidecars in the blob store (when the database is lost)."""
    with GLOBALS.open_vault() as vault:
        report = vault.upkeep.rebuild(to)
    if as_json:
        print_json(report.to_json())
    else:
        say(f"rebuilt {report.images} record(s) from {report.blobs} file(s)")
        for line in report.skipped:
            say(f"[yellow]skipped[/] {escape(line)}")
    if report.skipped:
        raise typer.Exit(1)
