"""`ideovault recover`: finish pending downloads and report what was lost or may be charged."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from ideovault.cli.app import GLOBALS, app
from ideovault.cli.output import print_json, say


@app.command()
def recover(
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Download every pending image whose link still works; report the rest."""
    with GLOBALS.open_vault() as vault:
        report = vault.upkeep.recover()
    if as_json:
        print_json(report.to_json())
    else:
        say(f"stored {len(report.stored)} pending image(s)")
        for r in report.expired:
            say(f"[red]expired[/] {r.id[:13]}: the link died before it could be downloaded")
        for r in report.still_pending:
            say(f"[yellow]still pending[/] {r.id[:13]}: {escape(r.error or '')}")
        for g in report.unanswered:
            say(f"[yellow]unanswered[/] generation {g.id[:13]}: {escape(g.error or '')}")
        for gid in report.async_running:
            say(f"[yellow]still running[/] async generation {gid[:13]} at Ideogram: "
                "run `ideovault recover` again in a minute")  # fmt: skip
        for g in report.async_failed:
            say(f"[red]failed[/] async generation {g.id[:13]}: {escape(g.error or '')}")
        for gid in report.in_flight:
            say(f"in flight: generation {gid[:13]} belongs to a running process; left alone")
        if not (
            report.stored or report.expired or report.still_pending or report.unanswered
            or report.async_running or report.async_failed
        ):  # fmt: skip
            say("nothing to recover")
    if not report.ok:
        raise typer.Exit(1)
