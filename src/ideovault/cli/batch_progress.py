"""The batch progress bar and the graceful stop on SIGINT/SIGTERM.

The bar counts images (what the user pays for and keeps), with stored and failed counts, the
rate and an ETA; it is drawn only on a terminal and never under ``--json``. The first signal
asks the runner to stop (requests in flight are answered and stored, nothing new is sent); a
second one quits at once — whatever was in flight is then reported by ``batch resume``.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)

from ideovault.cli.output import err

if TYPE_CHECKING:  # the worker pulls in SQLAlchemy: load it when a batch runs, not at start-up
    from ideovault.vault.worker import ItemOutcome


@contextmanager
def batch_progress(enabled: bool, total_images: int) -> Iterator[Callable[[ItemOutcome], None]]:
    if not enabled or not err.is_terminal:
        yield lambda _o: None
        return
    progress = Progress(
        TextColumn("images"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TextColumn("[green]{task.fields[stored]} stored[/] [red]{task.fields[failed]} failed[/]"),
        TextColumn("{task.fields[rate]}/s"),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    )
    task = progress.add_task("batch", total=total_images, stored=0, failed=0, rate="-")
    lock = threading.Lock()
    counts = {"stored": 0, "failed": 0}

    def on_item(outcome: ItemOutcome) -> None:
        if outcome.status in ("skipped", "queued"):
            return
        with lock:
            counts["stored"] += outcome.stored
            counts["failed"] += outcome.missing + (
                outcome.images if outcome.status in ("failed", "unanswered") else 0
            )
            speed = progress.tasks[0].speed
            progress.update(
                task,
                advance=outcome.images,
                stored=counts["stored"],
                failed=counts["failed"],
                rate=f"{speed:.1f}" if speed else "-",
            )

    with progress:
        yield on_item


@contextmanager
def graceful_stop(stop: threading.Event) -> Iterator[None]:
    """SIGINT/SIGTERM set ``stop``; a second signal exits at once (status 130)."""

    def handler(signum: int, _frame: FrameType | None) -> None:
        if stop.is_set():
            err.print("stopping now; `ideovault batch resume` reports what was in flight")
            os._exit(130)
        stop.set()
        err.print(
            f"{signal.Signals(signum).name}: finishing the requests in flight, sending nothing "
            "new (press Ctrl-C again to quit at once)"
        )

    if threading.current_thread() is not threading.main_thread():
        yield  # signals can only be handled in the main thread (e.g. tests calling main())
        return
    previous = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)
