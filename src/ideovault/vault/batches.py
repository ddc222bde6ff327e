"""``vault.batches``: files of requests queued as jobs, and the runner that sends them.

The work lives in ``batch.py`` (files → jobs), ``batch_file.py`` (parsing and validation) and
``worker.py`` (the claim/send/store loop, on the sending pipeline); these entry points load
them only when used.
"""

from __future__ import annotations

import builtins
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ideovault.vault.context import VaultContext

if TYPE_CHECKING:
    from ideovault.catalog.batch_records import BatchCounts, BatchRecord
    from ideovault.vault.batch import BatchPlan, BatchState
    from ideovault.vault.worker import ItemOutcome, RunStats


class Batches:
    """Batch jobs of one vault: create, run, watch, cancel, reopen."""

    def __init__(self, ctx: VaultContext) -> None:
        self._ctx = ctx

    def create(
        self,
        path: str | Path,
        *,
        name: str | None = None,
        fmt: str | None = None,
        skip_invalid: bool = False,
        max_usd: float | None = None,
        dry_run: bool = False,
        options: dict[str, Any] | None = None,
    ) -> BatchPlan:
        """Validate and price a batch file; queue it as a job unless ``dry_run``."""
        from ideovault.vault.batch import create_batch

        return create_batch(
            self._ctx, path, name=name, fmt=fmt, skip_invalid=skip_invalid,
            max_usd=max_usd, dry_run=dry_run, options=options,
        )  # fmt: skip

    def run(
        self,
        batch_id: str | None = None,
        *,
        concurrency: int | None = None,
        lease_seconds: float = 60.0,
        until_idle: bool = True,
        stop: threading.Event | None = None,
        on_item: Callable[[ItemOutcome], None] | None = None,
    ) -> RunStats:
        """Work on one batch (or every open batch, as a worker) until done or stopped;
        ``concurrency`` None keeps as many requests in flight as the API's limit allows."""
        from ideovault.vault.worker import Runner

        runner = Runner(
            self._ctx, batch_id=batch_id, concurrency=concurrency,
            lease_seconds=lease_seconds, until_idle=until_idle, stop=stop, on_item=on_item,
        )  # fmt: skip
        return runner.run()

    def state(self, batch_id: str) -> BatchState:
        from ideovault.vault.batch import batch_state

        return batch_state(self._ctx, batch_id)

    def cancel(self, batch_id: str) -> tuple[BatchRecord, int]:
        """Stop sending: the batch, and how many unsent items were cancelled."""
        from ideovault.vault.batch import cancel_batch

        return cancel_batch(self._ctx, batch_id)

    def reopen(
        self,
        batch_id: str,
        *,
        retry_unanswered: bool = False,
        retry_failed: bool = False,
        max_usd: float | None = None,
    ) -> tuple[BatchRecord, dict[str, int]]:
        """Make a batch claimable again (what is left checked against the budget)."""
        from ideovault.vault.batch import reopen_batch

        return reopen_batch(
            self._ctx, batch_id, retry_unanswered=retry_unanswered,
            retry_failed=retry_failed, max_usd=max_usd,
        )  # fmt: skip

    def list(self, limit: int = 50) -> list[BatchRecord]:
        """The newest batches first."""
        return self._ctx.catalog.batches.recent(limit)

    def with_counts(self, limit: int = 50) -> builtins.list[tuple[BatchRecord, BatchCounts]]:
        """Batches, newest first, each with its items and images by status."""
        store = self._ctx.catalog.batches
        return [(b, store.counts(b.id)) for b in store.recent(limit)]
