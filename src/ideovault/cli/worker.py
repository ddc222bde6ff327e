"""`ideovault worker`: one of any number of processes sharing a PostgreSQL catalog's batches."""

from __future__ import annotations

import threading
from typing import Annotated

import typer

from ideovault.cli.app import GLOBALS, app
from ideovault.cli.batch_progress import graceful_stop
from ideovault.cli.output import print_json, say
from ideovault.errors import IdeovaultError, UserError


@app.command()
def worker(
    concurrency: Annotated[
        int | None,
        typer.Option(
            "--concurrency",
            "-c",
            min=1,
            max=64,
            show_default=False,
            help="Requests in flight (default: as many as the API's in-flight limit allows).",
        ),
    ] = None,
    batch: Annotated[str | None, typer.Option("--batch", help="Work on this batch only.")] = None,
    lease: Annotated[
        float, typer.Option("--lease", min=1.0, help="Seconds a claim lasts without a heartbeat.")
    ] = 60.0,
    until_idle: Annotated[
        bool,
        typer.Option(
            "--until-idle", help="Exit when no open batch has work left (else keep waiting)."
        ),
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the run's summary as JSON.")
    ] = False,
) -> None:
    """Claim batch items from the shared catalog and generate them, until stopped."""
    with GLOBALS.open_vault() as vault:
        if vault.catalog.dialect != "postgresql":
            raise UserError(
                "workers share a PostgreSQL catalog (IDEOVAULT_DATABASE_URL=postgresql://…); "
                "on SQLite a batch runs in one process: `ideovault batch resume JOB`"
            )
        batch_id = vault.catalog.batches.get(batch).id if batch else None
        stop = threading.Event()
        if not as_json:
            wide = f"{concurrency} wide" if concurrency else "at the API's in-flight limit"
            say(f"worker {wide} on {vault.catalog.url_for_display}; Ctrl-C stops")
        with graceful_stop(stop):
            stats = vault.run_batches(
                batch_id, concurrency=concurrency, lease_seconds=lease,
                until_idle=until_idle, stop=stop,
            )  # fmt: skip
    if as_json:
        print_json(stats.to_json())
    else:
        parts = ", ".join(f"{n} {s}" for s, n in sorted(stats.items.items()))
        say(f"worker done: {parts or 'nothing to do'}; {stats.images_stored} image(s) stored")
    if stats.fatal:
        raise IdeovaultError(stats.fatal)
    if stats.stopped:
        raise typer.Exit(130)
