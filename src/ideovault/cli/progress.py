"""A progress display for a terminal; silent under --json or when stderr is not a terminal."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ideovault.cli.output import err
from ideovault.vault.events import Event, EventSink


@contextmanager
def generation_progress(enabled: bool) -> Iterator[EventSink | None]:
    if not enabled or not err.is_terminal:
        yield None
        return
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
    task = progress.add_task("asking Ideogram", total=None)

    def on_event(event: Event) -> None:
        if event.kind == "submitted":
            progress.update(task, description="waiting for Ideogram (async; safe to interrupt)")
        elif event.kind == "answered":
            progress.update(task, description="downloading", total=event.total, completed=0)
        elif event.kind == "image":
            progress.advance(task)

    with progress:
        yield on_event
