"""`ideovault batch FILE` and `ideovault batch status|resume|cancel|list JOB`.

``batch FILE`` is the common case, so it needs no sub-command word: the group inserts ``run``
when the first argument is not one of its commands (a file named like a command: ``./status``).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table
from typer import _click
from typer.core import TyperGroup

from ideovault.cli.app import GLOBALS, app
from ideovault.cli.batch_progress import batch_progress, graceful_stop
from ideovault.cli.output import out, print_json, say, short
from ideovault.errors import IdeovaultError

if TYPE_CHECKING:
    from ideovault.vault import Vault
    from ideovault.vault.batch import BatchState


class _FileOrCommand(TyperGroup):
    def parse_args(self, ctx: _click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


batch_app = typer.Typer(
    cls=_FileOrCommand,
    no_args_is_help=True,
    help=(
        "Generate from a JSONL or CSV file, one request per row, as a resumable job.\n\n"
        "ideovault batch FILE [--concurrency N] [--skip-invalid] [--dry-run] [--json]\n\n"
        "Rows: prompt plus any generate parameter (model, style_type, aspect_ratio, seed, "
        "num_images, …), tags, and repeat (how many requests to make of the row)."
    ),
)
app.add_typer(batch_app, name="batch")

Concurrency = Annotated[
    int | None,
    typer.Option(
        "--concurrency",
        "-c",
        min=1,
        max=64,
        show_default=False,
        help="Requests in flight (default: as many as the API's in-flight limit allows, "
        "[limits] max_in_flight, 10 images; fewer for a while after a 429).",
    ),
]
Lease = Annotated[
    float, typer.Option("--lease", min=1.0, help="Seconds a claim lasts without a heartbeat.")
]
JsonOnly = Annotated[bool, typer.Option("--json", help="Print only JSON on stdout.")]


@batch_app.command("run", hidden=True)
def run(
    file: Annotated[str, typer.Argument(help="A .jsonl or .csv file, one request per row.")],
    concurrency: Concurrency = None,
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Send the valid rows even when some are invalid.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check and price the file only.")
    ] = False,
    budget: Annotated[
        float | None, typer.Option("--budget", help="Refuse if it costs more (USD).")
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="jsonl or csv (default: by suffix).")
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="A name for the job.")] = None,
    queue_only: Annotated[
        bool,
        typer.Option(
            "--queue-only", help="Create the job for `ideovault worker`s; send nothing here."
        ),
    ] = False,
    lease: Lease = 60.0,
    as_json: JsonOnly = False,
) -> None:
    """Check every row, show the cost, then generate them all (`batch FILE`)."""
    from ideovault.vault.batch import BatchFileInvalid

    with GLOBALS.open_vault() as vault:
        try:
            plan = vault.batches.create(
                file, name=name, fmt=fmt, skip_invalid=skip_invalid, max_usd=budget,
                dry_run=dry_run, options={"concurrency": concurrency},
            )  # fmt: skip
        except BatchFileInvalid as exc:
            if as_json:
                print_json({"errors": [e.to_json() for e in exc.errors], "count": exc.count})
            raise
        skipped = f"; {plan.error_count} invalid row(s) skipped" if plan.error_count else ""
        if as_json and (dry_run or queue_only):
            print_json(plan.to_json())
        elif not as_json:
            say(
                f"{plan.rows} row(s), {plan.items} request(s), {plan.images} image(s), about "
                f"${plan.estimated_usd:.2f}{skipped}"
            )
        for error in plan.errors if not as_json else ():
            say(f"  skipped {error}")
        if dry_run:
            if not as_json:
                say("dry run: nothing sent")
            return
        assert plan.batch is not None
        if queue_only:
            if not as_json:
                say(f"queued as batch {plan.batch.id}; start `ideovault worker` to run it")
            return
        if not as_json:
            say(f"batch {plan.batch.id}")
        _run_and_report(vault, plan.batch.id, concurrency, lease, as_json)


@batch_app.command()
def resume(
    job: Annotated[str, typer.Argument(help="Batch id (a unique prefix will do).")],
    concurrency: Concurrency = None,
    retry_unanswered: Annotated[
        bool,
        typer.Option(
            "--retry-unanswered",
            help="Send again items that were sent but never answered "
            "(they may have been charged already).",
        ),
    ] = False,
    retry_failed: Annotated[
        bool, typer.Option("--retry-failed", help="Send failed items again.")
    ] = False,
    budget: Annotated[
        float | None, typer.Option("--budget", help="Refuse if the rest costs more.")
    ] = None,
    lease: Lease = 60.0,
    as_json: JsonOnly = False,
) -> None:
    """Continue a batch after a crash, Ctrl-C or cancel; answered items are never re-sent."""
    with GLOBALS.open_vault() as vault:
        batch, requeued = vault.batches.reopen(
            job, retry_unanswered=retry_unanswered, retry_failed=retry_failed, max_usd=budget
        )
        if not as_json:
            again = ", ".join(f"{n} {s}" for s, n in requeued.items() if n)
            say(f"resuming batch {batch.id}" + (f" (queued again: {again})" if again else ""))
        _run_and_report(vault, batch.id, concurrency, lease, as_json)


@batch_app.command()
def status(
    job: Annotated[str, typer.Argument(help="Batch id (a unique prefix will do).")],
    as_json: JsonOnly = False,
) -> None:
    """Items by status, images stored, and what needs attention."""
    with GLOBALS.open_vault() as vault:
        state = vault.batches.state(job)
    if as_json:
        print_json(state.to_json())
        return
    _print_state(state)


@batch_app.command()
def cancel(
    job: Annotated[str, typer.Argument(help="Batch id (a unique prefix will do).")],
    as_json: JsonOnly = False,
) -> None:
    """Send nothing more; requests already in flight still finish and are stored."""
    with GLOBALS.open_vault() as vault:
        batch, cancelled = vault.batches.cancel(job)
    if as_json:
        print_json({**batch.to_json(), "cancelled_items": cancelled})
    else:
        say(f"batch {batch.id} cancelled: {cancelled} item(s) will not be sent; "
            "`ideovault batch resume` continues it")  # fmt: skip


@batch_app.command("list")
def list_batches(
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 50,
    as_json: JsonOnly = False,
) -> None:
    """Batches, newest first, with their progress."""
    with GLOBALS.open_vault() as vault:
        rows = vault.batches.with_counts(limit)
    if as_json:
        print_json([{**b.to_json(), "counts": c.to_json()} for b, c in rows])
        return
    table = Table(header_style="bold")
    for column in ("id", "name", "created", "status", "items", "done", "images stored", "$ est."):
        table.add_column(column, no_wrap=column != "name")
    for b, c in rows:
        table.add_row(
            b.id, short(b.name, 40), b.created_at.strftime("%Y-%m-%d %H:%M"), b.status,
            str(b.total_items), str(c.items.get("done", 0)), str(c.images.get("stored", 0)),
            f"{b.estimated_usd:.2f}",
        )  # fmt: skip
    out.print(table)


def _run_and_report(
    vault: Vault, batch_id: str, concurrency: int | None, lease: float, as_json: bool
) -> None:
    stop = threading.Event()
    batch = vault.batches.state(batch_id).batch
    with graceful_stop(stop), batch_progress(not as_json, batch.total_images) as on_item:
        stats = vault.batches.run(
            batch_id, concurrency=concurrency, lease_seconds=lease, stop=stop, on_item=on_item
        )
    state = vault.batches.state(batch_id)
    if as_json:
        print_json({"batch": state.to_json(), "run": stats.to_json()})
    else:
        _print_state(state)
        say(f"this run: {stats.images_stored} image(s) stored in {stats.elapsed:.1f} s "
            f"({stats.images_per_second:.1f}/s)")  # fmt: skip
    if stats.fatal:
        raise IdeovaultError(
            f"{stats.fatal}; the rest is still queued: `ideovault batch resume {batch_id[:13]}`"
        )
    if stats.stopped:
        if not as_json:
            say(f"stopped; `ideovault batch resume {batch_id[:13]}` continues")
        raise typer.Exit(130)
    if not state.finished or state.unanswered or state.failed:
        raise typer.Exit(1)


def _print_state(state: BatchState) -> None:
    b, items, images = state.batch, state.counts.items, state.counts.images
    parts = ", ".join(f"{n} {s}" for s, n in sorted(items.items()))
    say(f"batch {b.id} ({b.status}): {b.total_items} item(s): {parts or 'none'}")
    say("images: " + (", ".join(f"{n} {s}" for s, n in sorted(images.items())) or "none"))
    for item in state.unanswered:
        say(f"[yellow]unanswered[/] line {item.line_no} (item {item.id[:13]}): may have been "
            "charged; `batch resume --retry-unanswered` sends it again")  # fmt: skip
    for item in state.failed:
        say(f"[red]failed[/] line {item.line_no}: {escape(short(item.error, 160))}")
    if items.get("sent"):
        say(f"{items['sent']} item(s) sent and not finished: in flight elsewhere, or "
            "downloads pending; `ideovault batch resume` finishes them")  # fmt: skip
