"""The claim/lease protocol of batch items, the half of ``catalog/batches.py`` that workers
race on (see that module's docstring for the two rules that make an item exactly-once).

Every lease time — written or compared — is the database's (``db_clock.db_time``), never the
worker's: machines whose clocks disagree by minutes still agree on which leases are live.
``utc_now`` only stamps ``updated_at``, a record for people, which nothing compares."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, and_, false, insert, or_, select, update

from ideovault.catalog.batch_records import BatchItem, BatchStatus, ItemStatus
from ideovault.catalog.db_clock import db_time
from ideovault.catalog.records import GenerationStatus
from ideovault.catalog.schema import batch_items, batches, generations


def utc_now() -> datetime:
    return datetime.now(UTC)


class LeaseLost(Exception):
    """The item is no longer held by this worker (lease expired and taken, or cancelled)."""


UNANSWERED = (
    "sent to the API but never answered (its worker stopped); it may have been charged — "
    "check your Ideogram usage, then `ideovault batch resume JOB --retry-unanswered`"
)


class ClaimProtocol:
    """Claim, start, settle, renew, adopt: mixed into :class:`BatchStore`."""

    engine: Engine

    # -- the claim / lease protocol ----------------------------------------------------------

    def claim(
        self,
        owner: str,
        limit: int,
        lease_seconds: float,
        *,
        batch_id: str | None = None,
        dead: Sequence[str] = (),
    ) -> list[BatchItem]:
        """Lease up to ``limit`` items to ``owner``: queued ones, claimed ones whose holder is
        gone, and sent ones whose holder is gone and whose generation was answered (to finish
        their downloads). Sent items with no answer are settled as ``unanswered`` on the way."""
        now = utc_now()
        stale = or_(
            batch_items.c.lease_expires_at < db_time(),
            batch_items.c.claimed_by.in_(list(dead)) if dead else false(),
        )
        scope = [batches.c.status == BatchStatus.OPEN.value]
        if batch_id is not None:
            scope.append(batch_items.c.batch_id == batch_id)
        base = (
            select(batch_items, generations.c.status.label("generation_status"))
            .join(batches, batches.c.id == batch_items.c.batch_id)
            .outerjoin(generations, generations.c.id == batch_items.c.generation_id)
            .where(*scope)
        )
        fresh = base.where(
            or_(
                batch_items.c.status == ItemStatus.QUEUED.value,
                and_(batch_items.c.status == ItemStatus.CLAIMED.value, stale),
            )
        )
        orphans = base.where(
            batch_items.c.status == ItemStatus.SENT.value,
            batch_items.c.claimed_by.is_not(None),
            stale,
        )
        lease = db_time(lease_seconds)
        taken: list[str] = []
        with self.engine.begin() as conn:
            for query in (orphans, fresh):
                if len(taken) >= limit:
                    break
                query = (
                    query.order_by(batch_items.c.batch_id, batch_items.c.line_no,
                                   batch_items.c.repeat_index)
                    .limit(limit - len(taken))
                    .with_for_update(skip_locked=True, of=batch_items)
                )  # fmt: skip
                for row in conn.execute(query).mappings():
                    if row["status"] == ItemStatus.SENT.value:
                        if not self._settle_orphan(conn, row, now):
                            continue
                        values: dict[str, Any] = {}
                    else:
                        values = {
                            "status": ItemStatus.CLAIMED.value,
                            "attempts": row["attempts"] + 1,
                        }
                    conn.execute(
                        update(batch_items)
                        .where(batch_items.c.id == row["id"])
                        .values(claimed_by=owner, lease_expires_at=lease, updated_at=now, **values)
                    )
                    taken.append(row["id"])
            if not taken:
                return []
            rows = conn.execute(
                select(batch_items)
                .where(batch_items.c.id.in_(taken))
                .order_by(batch_items.c.line_no, batch_items.c.repeat_index)
            ).mappings()
            return [BatchItem.from_row(r) for r in rows]

    @staticmethod
    def _settle_orphan(conn: Any, row: Any, now: datetime) -> bool:
        """A sent item whose holder is gone: True when it was answered (finish it), else it is
        settled here — unanswered (may be billed) or failed (the API refused it)."""
        gen_status = row["generation_status"]
        if gen_status == GenerationStatus.ANSWERED.value:
            return True
        if gen_status == GenerationStatus.FAILED.value:
            status, error = ItemStatus.FAILED, "the API refused it (see its generation)"
        else:
            status, error = ItemStatus.UNANSWERED, UNANSWERED
            conn.execute(
                update(generations)
                .where(
                    generations.c.id == row["generation_id"],
                    generations.c.status == GenerationStatus.REQUESTED.value,
                )
                .values(status=GenerationStatus.UNKNOWN.value, error=UNANSWERED)
            )
        conn.execute(
            update(batch_items)
            .where(batch_items.c.id == row["id"])
            .values(
                status=status.value,
                error=error,
                claimed_by=None,
                lease_expires_at=None,
                updated_at=now,
            )
        )
        return False

    def settle_orphans(self, batch_id: str, dead: Sequence[str] = ()) -> int:
        """Settle, now, the sent items of one batch that nobody is working on any more — held
        by a dead process or an expired lease, or left unheld — and that were never answered
        (unanswered, or failed when the API refused them). Answered ones are left for a run to
        finish. ``resume --retry-unanswered`` calls this before re-queuing, so that the items
        the last crash had in flight are re-sent by this resume, not reported by it."""
        now = utc_now()
        gone = or_(
            batch_items.c.claimed_by.is_(None),
            batch_items.c.lease_expires_at < db_time(),
            batch_items.c.claimed_by.in_(list(dead)) if dead else false(),
        )
        query = (
            select(batch_items, generations.c.status.label("generation_status"))
            .outerjoin(generations, generations.c.id == batch_items.c.generation_id)
            .where(
                batch_items.c.batch_id == batch_id,
                batch_items.c.status == ItemStatus.SENT.value,
                gone,
                or_(
                    generations.c.status.is_(None),
                    generations.c.status != GenerationStatus.ANSWERED.value,
                ),
            )
            .with_for_update(skip_locked=True, of=batch_items)
        )
        with self.engine.begin() as conn:
            rows = list(conn.execute(query).mappings())
            for row in rows:
                self._settle_orphan(conn, row, now)
        return len(rows)

    def start(self, item_id: str, owner: str, generation: dict[str, Any]) -> None:
        """Write the generation row and mark the item sent, in ONE transaction, only while the
        item is still claimed by ``owner``; raises :class:`LeaseLost` (nothing written) if not."""
        with self.engine.begin() as conn:
            conn.execute(insert(generations).values(generation))
            result = conn.execute(
                update(batch_items)
                .where(
                    batch_items.c.id == item_id,
                    batch_items.c.status == ItemStatus.CLAIMED.value,
                    batch_items.c.claimed_by == owner,
                )
                .values(
                    status=ItemStatus.SENT.value,
                    generation_id=generation["id"],
                    updated_at=utc_now(),
                    error=None,
                )
            )
            if result.rowcount != 1:
                raise LeaseLost(item_id)  # leaving the block rolls the generation row back

    def settle(
        self,
        item_id: str,
        owner: str,
        status: ItemStatus,
        error: str | None = None,
        *,
        hold: bool = False,
    ) -> bool:
        """Move an item this worker holds to ``status`` and let go of it (``hold`` keeps the
        holder, e.g. a sent item whose downloads are still to be finished by this worker)."""
        values: dict[str, Any] = {"status": status.value, "error": error, "updated_at": utc_now()}
        if not hold:
            values.update(claimed_by=None, lease_expires_at=None)
        with self.engine.begin() as conn:
            result = conn.execute(
                update(batch_items)
                .where(batch_items.c.id == item_id, batch_items.c.claimed_by == owner)
                .values(**values)
            )
        return result.rowcount == 1

    def renew(self, owner: str, lease_seconds: float) -> int:
        """Extend every lease ``owner`` holds (the heartbeat); returns how many."""
        with self.engine.begin() as conn:
            result = conn.execute(
                update(batch_items)
                .where(
                    batch_items.c.claimed_by == owner,
                    batch_items.c.status.in_([ItemStatus.CLAIMED.value, ItemStatus.SENT.value]),
                )
                .values(lease_expires_at=db_time(lease_seconds))
            )
        return int(result.rowcount)

    def adopt_unheld(self, owner: str, lease_seconds: float, batch_id: str | None) -> int:
        """Take over sent items nobody holds (answered, downloads left unfinished by a run that
        gave up on them), so this run finishes them; returns how many."""
        now = utc_now()
        query = update(batch_items).where(
            batch_items.c.status == ItemStatus.SENT.value, batch_items.c.claimed_by.is_(None)
        )
        if batch_id is not None:
            query = query.where(batch_items.c.batch_id == batch_id)
        with self.engine.begin() as conn:
            result = conn.execute(
                query.values(
                    claimed_by=owner,
                    lease_expires_at=db_time(-1),  # claimable by the next claim
                    updated_at=now,
                )
            )
        return int(result.rowcount)
