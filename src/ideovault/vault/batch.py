"""Batch jobs: a file of requests turned into a job in the catalog, checked and priced first.

Creating a batch reads the whole file once (streaming), validating every row and pricing it.
Valid items are written into a *draft* batch as they come (in chunks, so 100,000 rows never sit
in memory); only when the whole file was good — or ``skip_invalid`` was asked for — and the
total fits the budget does the batch open for workers. A file with errors leaves nothing
behind and sends nothing.

Batches do not dedupe: a row asks for ``repeat`` generations, and the batch's own bookkeeping
(one item per request, see ``catalog/batches.py``) is what keeps a request from being paid twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ideovault import ids
from ideovault.catalog.batch_records import BatchCounts, BatchItem, BatchRecord, ItemStatus
from ideovault.errors import UserError
from ideovault.vault.batch_file import Row, RowError, read_rows
from ideovault.vault.owner import owner_alive
from ideovault.vault.prices import price_per_image, price_table
from ideovault.vault.spending import Quote, check_budget

if TYPE_CHECKING:
    from ideovault.vault.context import VaultContext

MAX_ITEMS = 100_000
SHOWN_ERRORS = 50
FLUSH_ROWS = 1000


class BatchFileInvalid(UserError):
    """Some rows are invalid; nothing was queued. ``errors`` holds the first few."""

    def __init__(self, path: Path, errors: list[RowError], count: int) -> None:
        shown = "\n".join(f"  {e}" for e in errors)
        more = f"\n  … and {count - len(errors)} more" if count > len(errors) else ""
        super().__init__(
            f"{path}: {count} invalid row(s); nothing was sent:\n{shown}{more}\n"
            "fix them, or run again with --skip-invalid to send only the valid rows"
        )
        self.errors = errors
        self.count = count


@dataclass
class BatchPlan:
    """What a batch file asks for: created (``batch``) or only checked (dry run)."""

    path: Path
    items: int = 0
    images: int = 0
    estimated_usd: float = 0.0
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    batch: BatchRecord | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "batch": self.batch.to_json() if self.batch else None,
            "file": str(self.path),
            "rows": self.rows,
            "items": self.items,
            "images": self.images,
            "estimated_usd": round(self.estimated_usd, 4),
            "skipped_rows": self.error_count,
            "errors": [e.to_json() for e in self.errors],
        }


def create_batch(
    ctx: VaultContext,
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
    prices = price_table(ctx.settings.extra)
    store = ctx.catalog.batches
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
                pending.extend(_items(row))
                if len(pending) >= FLUSH_ROWS:
                    flush()
        if plan.error_count and not skip_invalid:
            raise BatchFileInvalid(path, plan.errors, plan.error_count)
        if not plan.items:
            raise UserError(f"{path} has no valid rows: nothing to do")
        total = Quote("batch", {}, "", plan.images, 0.0, round(plan.estimated_usd, 4))
        check_budget(ctx, total, max_usd)
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


def _items(row: Row) -> list[dict[str, Any]]:
    request = {
        "params": row.params.model_dump(mode="json", exclude_none=True),
        "tags": list(row.tags),
    }
    return [
        {
            "id": ids.new_id(),
            "line_no": row.line_no,
            "repeat_index": i,
            "request": request,
            "num_images": row.params.num_images,
        }
        for i in range(row.repeat)
    ]


@dataclass
class BatchState:
    """A batch, its counts, and the items that need a person's attention."""

    batch: BatchRecord
    counts: BatchCounts
    unanswered: list[BatchItem]
    failed: list[BatchItem]

    @property
    def finished(self) -> bool:
        items = self.counts.items
        return not any(items.get(s, 0) for s in (ItemStatus.QUEUED, ItemStatus.CLAIMED,
                                                  ItemStatus.SENT))  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        return {
            **self.batch.to_json(),
            "finished": self.finished,
            "counts": self.counts.to_json(),
            "unanswered": [i.to_json() for i in self.unanswered],
            "failed": [i.to_json() for i in self.failed],
        }


def batch_state(ctx: VaultContext, batch_id: str, *, detail_limit: int = 100) -> BatchState:
    store = ctx.catalog.batches
    batch = store.get(batch_id)
    return BatchState(
        batch,
        store.counts(batch.id),
        store.items(batch.id, [ItemStatus.UNANSWERED], limit=detail_limit),
        store.items(batch.id, [ItemStatus.FAILED], limit=detail_limit),
    )


def cancel_batch(ctx: VaultContext, batch_id: str) -> tuple[BatchRecord, int]:
    """Stop sending: returns the batch and how many unsent items were cancelled."""
    store = ctx.catalog.batches
    batch = store.get(batch_id)
    return store.get(batch.id), store.cancel(batch.id)


def reopen_batch(
    ctx: VaultContext,
    batch_id: str,
    *,
    retry_unanswered: bool = False,
    retry_failed: bool = False,
    max_usd: float | None = None,
) -> tuple[BatchRecord, dict[str, int]]:
    """Make a batch claimable again, checking what is left to send against the budget."""
    store = ctx.catalog.batches
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
        check_budget(ctx, Quote("batch", {}, "", todo, 0.0, round(share, 4)), max_usd)
    requeued = store.reopen(batch.id, unanswered=retry_unanswered, failed=retry_failed)
    return store.get(batch.id), requeued
