"""Batches in the catalog: jobs, their items, and the claim/lease protocol workers share.

Exactly-once rests on two rules enforced here, in the database, not in any one process:

* **Claiming** takes items with ``SELECT … FOR UPDATE SKIP LOCKED`` (PostgreSQL; on SQLite every
  transaction is ``BEGIN IMMEDIATE``, so claims are serialised) and gives each a lease. An item
  whose lease ran out, or whose holder is known to be dead, can be claimed again — but only
  while it is ``claimed``, i.e. before anything was sent.
* **Sending** is allowed only after :meth:`BatchStore.start` has, in ONE transaction, written the
  generation row and moved the item from ``claimed`` (held by this worker) to ``sent``. If the
  lease was lost meanwhile, the update matches no row, the transaction is rolled back and the
  worker does not send. A ``sent`` item is never claimed for sending again: if its holder dies,
  it is either finished (the generation was answered: download what is missing) or reported
  ``unanswered`` (it may have been charged), and re-sent only when the user asks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Engine, and_, delete, func, insert, or_, select, update

from ideovault.catalog.batch_claims import ClaimProtocol, utc_now
from ideovault.catalog.batch_records import (
    BatchCounts,
    BatchItem,
    BatchRecord,
    BatchStatus,
    ItemStatus,
)
from ideovault.catalog.schema import batch_items, batches, images
from ideovault.errors import AmbiguousId, NotFound, UserError
from ideovault.ids import normalize_prefix

INSERT_CHUNK = 1000


class BatchStore(ClaimProtocol):
    """Batch queries over one engine; reached as ``catalog.batches``."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- creating ----------------------------------------------------------------------------

    def create_draft(
        self, *, id: str, name: str, source: str | None, options: dict[str, Any]
    ) -> None:
        values = {
            "id": id, "name": name[:200], "source": source, "created_at": utc_now(),
            "status": BatchStatus.DRAFT.value, "total_items": 0, "total_images": 0,
            "estimated_usd": 0.0, "options": options,
        }  # fmt: skip
        with self.engine.begin() as conn:
            conn.execute(insert(batches).values(values))

    def add_items(self, batch_id: str, items: Sequence[dict[str, Any]]) -> None:
        """Items of a draft: each dict has id, line_no, repeat_index, request, num_images."""
        now = utc_now()
        rows = [
            {**item, "batch_id": batch_id, "status": ItemStatus.QUEUED.value, "attempts": 0,
             "updated_at": now, "claimed_by": None, "lease_expires_at": None,
             "generation_id": None, "error": None}
            for item in items
        ]  # fmt: skip
        with self.engine.begin() as conn:
            for start in range(0, len(rows), INSERT_CHUNK):
                conn.execute(insert(batch_items), rows[start : start + INSERT_CHUNK])

    def open(self, batch_id: str, *, items: int, images: int, usd: float) -> None:
        """The draft is complete: make its items claimable."""
        with self.engine.begin() as conn:
            conn.execute(
                update(batches)
                .where(batches.c.id == batch_id)
                .values(
                    status=BatchStatus.OPEN.value,
                    total_items=items,
                    total_images=images,
                    estimated_usd=round(usd, 4),
                )
            )

    def delete(self, batch_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(batch_items).where(batch_items.c.batch_id == batch_id))
            conn.execute(delete(batches).where(batches.c.id == batch_id))

    # -- reading -----------------------------------------------------------------------------

    def get(self, id_or_prefix: str) -> BatchRecord:
        prefix = normalize_prefix(id_or_prefix)
        if prefix is None:
            raise NotFound(f"no batch with id {id_or_prefix[:60]!r} (ids are hexadecimal)")
        query = (
            select(batches)
            .where(batches.c.id >= prefix, batches.c.id < prefix + "\uffff")
            .order_by(batches.c.id)
            .limit(6)
        )
        with self.engine.connect() as conn:
            rows = list(conn.execute(query).mappings())
        exact = [r for r in rows if r["id"] == prefix]
        if exact:
            rows = exact
        if not rows:
            raise NotFound(f"no batch with id {id_or_prefix[:60]!r}; `ideovault batch list`")
        if len(rows) > 1:
            raise AmbiguousId(f"batch id prefix {id_or_prefix!r} matches several: type more")
        return BatchRecord.from_row(rows[0])

    def recent(self, limit: int = 50) -> list[BatchRecord]:
        query = select(batches).order_by(batches.c.id.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [BatchRecord.from_row(r) for r in conn.execute(query).mappings()]

    def counts(self, batch_id: str) -> BatchCounts:
        by_item = (
            select(batch_items.c.status, func.count())
            .where(batch_items.c.batch_id == batch_id)
            .group_by(batch_items.c.status)
        )
        by_image = (
            select(images.c.status, func.count())
            .select_from(
                batch_items.join(images, images.c.generation_id == batch_items.c.generation_id)
            )
            .where(batch_items.c.batch_id == batch_id)
            .group_by(images.c.status)
        )
        with self.engine.connect() as conn:
            items = {str(s): int(n) for s, n in conn.execute(by_item)}
            imgs = {str(s): int(n) for s, n in conn.execute(by_image)}
        return BatchCounts(items, imgs)

    def items(
        self, batch_id: str, statuses: Iterable[ItemStatus] = (), limit: int = 1000
    ) -> list[BatchItem]:
        query = select(batch_items).where(batch_items.c.batch_id == batch_id)
        wanted = [s.value for s in statuses]
        if wanted:
            query = query.where(batch_items.c.status.in_(wanted))
        query = query.order_by(batch_items.c.line_no, batch_items.c.repeat_index).limit(limit)
        with self.engine.connect() as conn:
            return [BatchItem.from_row(r) for r in conn.execute(query).mappings()]

    def holders(self) -> list[str]:
        """Every worker that holds an item now (so the caller can tell which are dead)."""
        query = (
            select(batch_items.c.claimed_by)
            .where(
                batch_items.c.claimed_by.is_not(None),
                batch_items.c.status.in_([ItemStatus.CLAIMED.value, ItemStatus.SENT.value]),
            )
            .distinct()
        )
        with self.engine.connect() as conn:
            return [str(h) for h in conn.execute(query).scalars()]

    def has_open_work(self, batch_id: str | None) -> bool:
        """Anything queued, claimed, or sent and still held by someone, in open batches."""
        query = (
            select(batch_items.c.id)
            .join(batches, batches.c.id == batch_items.c.batch_id)
            .where(
                batches.c.status == BatchStatus.OPEN.value,
                or_(
                    batch_items.c.status.in_([ItemStatus.QUEUED.value, ItemStatus.CLAIMED.value]),
                    and_(
                        batch_items.c.status == ItemStatus.SENT.value,
                        batch_items.c.claimed_by.is_not(None),
                    ),
                ),
            )
            .limit(1)
        )
        if batch_id is not None:
            query = query.where(batch_items.c.batch_id == batch_id)
        with self.engine.connect() as conn:
            return conn.execute(query).first() is not None

    # -- cancel and resume -------------------------------------------------------------------

    def cancel(self, batch_id: str) -> int:
        """No more sends: queued and claimed (unsent) items become cancelled."""
        now = utc_now()
        with self.engine.begin() as conn:
            conn.execute(
                update(batches)
                .where(batches.c.id == batch_id)
                .values(status=BatchStatus.CANCELLED.value)
            )
            result = conn.execute(
                update(batch_items)
                .where(
                    batch_items.c.batch_id == batch_id,
                    batch_items.c.status.in_([ItemStatus.QUEUED.value, ItemStatus.CLAIMED.value]),
                )
                .values(
                    status=ItemStatus.CANCELLED.value,
                    claimed_by=None,
                    lease_expires_at=None,
                    updated_at=now,
                )
            )
        return int(result.rowcount)

    def reopen(self, batch_id: str, *, unanswered: bool, failed: bool) -> dict[str, int]:
        """Open the batch again; cancelled items (and, when asked, unanswered and failed ones)
        go back to the queue. Returns how many of each were re-queued."""
        batch = self.get(batch_id)
        if batch.status == BatchStatus.DRAFT.value:
            raise UserError(f"batch {batch.id} was never completely created; make it again")
        wanted = [ItemStatus.CANCELLED]
        if unanswered:
            wanted.append(ItemStatus.UNANSWERED)
        if failed:
            wanted.append(ItemStatus.FAILED)
        requeued: dict[str, int] = {}
        with self.engine.begin() as conn:
            conn.execute(update(batches).where(batches.c.id == batch.id).values(status="open"))
            for status in wanted:
                result = conn.execute(
                    update(batch_items)
                    .where(batch_items.c.batch_id == batch.id, batch_items.c.status == status.value)
                    .values(status=ItemStatus.QUEUED.value, claimed_by=None,
                            lease_expires_at=None, updated_at=utc_now())
                )  # fmt: skip
                requeued[status.value] = int(result.rowcount)
        return requeued
