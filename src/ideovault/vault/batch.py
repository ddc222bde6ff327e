"""Batch jobs' values: a file's plan (checked and priced), a batch's state, its items' rows.

Batches do not dedupe: a row asks for ``repeat`` generations, and the batch's own bookkeeping
(one item per request, see ``catalog/batches.py``) is what keeps a request from being paid twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ideovault import ids
from ideovault.catalog.batch_records import BatchCounts, BatchItem, BatchRecord, ItemStatus
from ideovault.errors import UserError
from ideovault.vault.batch_file import Row, RowError

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


def items_of(row: Row) -> list[dict[str, Any]]:
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
