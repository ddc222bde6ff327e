"""`ideovault storage migrate --to URL`: move the blobs to another store, then switch."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from ideovault.cli.app import GLOBALS, app
from ideovault.cli.options import Json
from ideovault.cli.output import human_size, print_json, say

storage_app = typer.Typer(help="Where the image files live.", no_args_is_help=True)
app.add_typer(storage_app, name="storage")


@storage_app.command("migrate")
def migrate(
    to: Annotated[str, typer.Option("--to", help="s3://bucket/prefix, file:///path or a folder.")],
    as_json: Json = False,
) -> None:
    """Copy every blob and sidecar, verify each copy, then switch (resumable; old store kept)."""
    with GLOBALS.open_vault() as vault:
        report = vault.upkeep.migrate_storage(to)
    if os.environ.get("IDEOVAULT_STORAGE_URL"):
        report.notes.append(
            "IDEOVAULT_STORAGE_URL is set in this environment and wins over ideovault.toml: "
            f"set it to {to}"
        )
    if as_json:
        print_json(report.to_json())
        return
    say(
        f"copied {report.copied} file(s) ({human_size(report.bytes)}), "
        f"{report.already_there} already there; now storing at {report.switched_to}"
    )
    for note in report.notes:
        say(f"[yellow]note[/] {note}")
