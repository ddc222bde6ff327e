"""``vault.batches``: files of requests queued as jobs, and the runner that sends them.

Creating a batch reads the whole file once (streaming), validating every row and pricing it.
Valid items are written into a *draft* batch as they come (in chunks, so 100,000 rows never sit
in memory); only when the whole file was good — or ``skip_invalid`` was asked for — and the
total fits the budget does the batch open for workers. A file with errors leaves nothing
behind and sends nothing. Parsing is ``batch_file.py``, the plan and state types ``batch.py``,
the claim/send/store loop ``worker.py`` (on the sending pipeline).
"""

from __future__ import annotations

import builtins
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ideovault import ids
from ideovault.catalog.batch_records import BatchCounts, BatchRecord, ItemStatus
from ideovault.errors import UserError
from ideovault.vault.batch import (
    FLUSH_ROWS,
    MAX_ITEMS,
    SHOWN_ERRORS,
    BatchFileInvalid,
    BatchPlan,
    BatchState,
    items_of,
)  # fmt: skip
from ideovault.vault.batch_file import RowError, read_rows
from ideovault.vault.context import VaultContext
from ideovault.vault.owner import owner_alive
from ideovault.vault.prices import price_per_image, price_table
from ideovault.vault.spending import Quote, check_budget

if TYPE_CHECKING:
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
        """Validate and price every row; unless ``dry_run``, queue the items as a new batch."""
        path = Path(path)
        plan = BatchPlan(path)
        prices = price_table(self._ctx.settings.extra)
        store = self._ctx.catalog.batches
        batch_id = ids.new_id()
        pending: list[dict[str, Any]] = []
        created = False

        def flush() -> None:
            nonlocal created
            if dry_run or not pending:
                return
            if not created:
                store.create_draft(
                    id=batch_id, name=name or path.name, source=str(path), options=options or {}
                )
                created = True
            store.add_items(batch_id, pending)
            pending.clear()

        try:
            for row in read_rows(path, fmt):
                if isinstance(row, RowError):
                    plan.error_count += 1
                    if len(plan.errors) < SHOWN_ERRORS:
                        plan.errors.append(row)
                    continue
                plan.rows += 1
                plan.items += row.repeat
                if plan.items > MAX_ITEMS:
                    raise UserError(
                        f"{path}: line {row.line_no}: the batch passes {MAX_ITEMS:,} requests "
                        "(rows times repeat); split the file"
                    )
                rate = price_per_image(prices, row.params.model, row.params.rendering_speed)
                plan.images += row.params.num_images * row.repeat
                plan.estimated_usd += rate * row.params.num_images * row.repeat
                if not dry_run and (not plan.error_count or skip_invalid):
                    pending.extend(items_of(row))
                    if len(pending) >= FLUSH_ROWS:
                        flush()
            if plan.error_count and not skip_invalid:
                raise BatchFileInvalid(path, plan.errors, plan.error_count)
            if not plan.items:
                raise UserError(f"{path} has no valid rows: nothing to do")
            total = Quote("batch", {}, "", plan.images, 0.0, round(plan.estimated_usd, 4))
            check_budget(self._ctx, total, max_usd)
            if dry_run:
                return plan
            flush()
            store.open(batch_id, items=plan.items, images=plan.images, usd=plan.estimated_usd)
        except BaseException:
            if created:
                store.delete(batch_id)
            raise
        plan.batch = store.get(batch_id)
        return plan

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

    def state(self, batch_id: str, *, detail_limit: int = 100) -> BatchState:
        store = self._ctx.catalog.batches
        batch = store.get(batch_id)
        return BatchState(
            batch,
            store.counts(batch.id),
            store.items(batch.id, [ItemStatus.UNANSWERED], limit=detail_limit),
            store.items(batch.id, [ItemStatus.FAILED], limit=detail_limit),
        )

    def cancel(self, batch_id: str) -> tuple[BatchRecord, int]:
        """Stop sending: returns the batch and how many unsent items were cancelled."""
        store = self._ctx.catalog.batches
        batch = store.get(batch_id)
        return batch, store.cancel(batch.id)

    def reopen(
        self,
        batch_id: str,
        *,
        retry_unanswered: bool = False,
        retry_failed: bool = False,
        max_usd: float | None = None,
    ) -> tuple[BatchRecord, dict[str, int]]:
        """Make a batch claimable again, checking what is left to send against the budget."""
        store = self._ctx.catalog.batches
        batch = store.get(batch_id)
        # What the last crash had in flight is unanswered from now on (nobody will answer it):
        # settle it first, so that ``retry_unanswered`` re-sends it in this very run.
        dead = [h for h in store.holders() if not owner_alive(h)]
        store.settle_orphans(batch.id, dead)
        left = [ItemStatus.QUEUED, ItemStatus.CANCELLED]
        if retry_unanswered:
            left.append(ItemStatus.UNANSWERED)
        if retry_failed:
            left.append(ItemStatus.FAILED)
        counts = store.counts(batch.id).items
        todo = sum(counts.get(s.value, 0) for s in left)
        if todo and batch.total_items:
            share = batch.estimated_usd * todo / batch.total_items
            check_budget(self._ctx, Quote("batch", {}, "", todo, 0.0, round(share, 4)), max_usd)
        requeued = store.reopen(batch.id, unanswered=retry_unanswered, failed=retry_failed)
        return store.get(batch.id), requeued

    def list(self, limit: int = 50) -> list[BatchRecord]:
        """The newest batches first."""
        return self._ctx.catalog.batches.recent(limit)

    def with_counts(self, limit: int = 50) -> builtins.list[tuple[BatchRecord, BatchCounts]]:
        """Batches, newest first, each with its items and images by status."""
        store = self._ctx.catalog.batches
        return [(b, store.counts(b.id)) for b in store.recent(limit)]
