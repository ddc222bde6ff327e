"""`ideovault import` and `ideovault export`: move images in and out with their records."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from ideovault.cli.app import GLOBALS, app
from ideovault.cli.options import Overwrite
from ideovault.cli.output import human_size, print_json, say


@app.command("import")
def import_(
    path: Path = typer.Argument(..., help="generations.json, or a folder of images."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Import images with what is known about them; running it twice adds nothing.

    Exits 1 when nothing was imported and something was refused (not merely already there)."""
    with GLOBALS.open_vault() as vault:
        report = vault.import_path(path)
    if as_json:
        print_json(report.to_json())
    else:
        say(f"imported {len(report.imported)} image(s), skipped {len(report.skipped)}")
        for line in report.skipped:
            say(f"[yellow]skipped[/] {escape(line)}")
    if report.failed:
        if not as_json:
            say("[red]nothing was imported[/]: fix the records above and run it again")
        raise typer.Exit(1)


@app.command()
def export(
    query: str = typer.Argument("", help="A search query; empty exports everything."),
    to: str = typer.Option(..., "--to", help="A folder, or a file ending in .zip."),
    embed_metadata: bool = typer.Option(False, "--embed-metadata", help="Record in each file."),
    force: Overwrite = False,
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Export originals and a manifest (manifest.jsonl, manifest.csv)."""
    with GLOBALS.open_vault() as vault:
        report = vault.export(query, to, embed_metadata=embed_metadata, overwrite=force)
    if as_json:
        print_json(report.to_json())
    else:
        say(f"exported {report.exported} image(s), {human_size(report.bytes)}, to {to}")
        if report.not_embedded:
            say(f"{len(report.not_embedded)} file(s) have no metadata slot (WebP); see manifest")
