"""`ideovault import` and `ideovault export`: move images in and out with their records."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from ideovault.cli.app import GLOBALS, app
from ideovault.cli.options import Json, Overwrite
from ideovault.cli.output import human_size, print_json, say
from ideovault.errors import IdeovaultError, UserError


@app.command("import")
def import_(
    path: Annotated[Path, typer.Argument(help="generations.json, or a folder of images.")],
    as_json: Json = False,
) -> None:
    """Import images with what is known about them; running it twice adds nothing.

    Exits 1 when nothing was imported and something was refused (not merely already there)."""
    with GLOBALS.open_vault() as vault:
        report = vault.upkeep.import_path(path)
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
    query: Annotated[str, typer.Argument(help="A search query; empty exports everything.")] = "",
    to: Annotated[
        str | None, typer.Option("--to", help="A folder, or a file ending in .zip.")
    ] = None,
    zip_to: Annotated[
        Path | None,
        typer.Option(
            "--zip", help="Stream a zip here: files named from prompt and id, manifest.jsonl."
        ),
    ] = None,
    query_option: Annotated[
        str | None, typer.Option("--query", "-q", help="With --zip: a search.")
    ] = None,
    album: Annotated[
        str | None, typer.Option("--album", help="With --zip: an album's images.")
    ] = None,
    embed_metadata: Annotated[
        bool, typer.Option("--embed-metadata", help="Record in each file.")
    ] = False,
    force: Overwrite = False,
    as_json: Json = False,
) -> None:
    """Export originals and a manifest (manifest.jsonl, manifest.csv), or stream a --zip."""
    if (to is None) == (zip_to is None):
        raise UserError("say where: --to FOLDER_OR_ZIP, or --zip FILE")
    if zip_to is not None:
        _export_zip(zip_to, query_option if query_option is not None else query, album, as_json)
        return
    if query_option is not None or album is not None:
        raise UserError("--query and --album go with --zip; with --to give the query as text")
    assert to is not None
    with GLOBALS.open_vault() as vault:
        report = vault.upkeep.export(query, to, embed_metadata=embed_metadata, overwrite=force)
    if as_json:
        print_json(report.to_json())
    else:
        say(f"exported {report.exported} image(s), {human_size(report.bytes)}, to {to}")
        if report.not_embedded:
            say(f"{len(report.not_embedded)} file(s) have no metadata slot (WebP); see manifest")


def _export_zip(target: Path, query: str, album: str | None, as_json: bool) -> None:
    """Write the streamed zip under a temporary name beside ``target``, renamed when whole."""
    target = target.expanduser()
    if not target.parent.is_dir():
        raise UserError(f"{target.parent} does not exist")
    if query and album is not None:
        raise UserError("zip a --query or an --album, not both")
    partial = target.with_name(f".{target.name}.partial")
    written = 0
    with GLOBALS.open_vault() as vault:
        chunks = vault.selection.zip_stream(query=None if album else query, album=album)
        try:
            with partial.open("wb") as fh:
                for chunk in chunks:
                    fh.write(chunk)
                    written += len(chunk)
            os.replace(partial, target)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise IdeovaultError(f"zip to {target} stopped: {exc.strerror or exc}") from None
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    if as_json:
        print_json({"zip": str(target), "bytes": written})
    else:
        say(f"wrote {human_size(written)} to {escape(str(target))}")
