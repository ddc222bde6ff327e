"""Trash, restore and purge: deleting is two steps, and a shared blob outlives its records.

Purge deletes the catalog row first and the file after, so a crash in between leaves at worst
an orphan file (which ``verify`` reports), never a record pointing at a missing file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from ideovault.catalog.records import ImageRecord
from ideovault.errors import UserError
from ideovault.vault import people

if TYPE_CHECKING:
    from ideovault.vault.context import VaultContext

CHUNK = 500  # rows deleted per transaction during purge


def _resolve(ctx: VaultContext, ids: Iterable[str]) -> list[ImageRecord]:
    records = [ctx.catalog.images.get(i) for i in ids]  # all resolve before anything changes
    if not records:
        raise UserError("name at least one image id")
    return records


def trash(ctx: VaultContext, ids: Iterable[str]) -> list[ImageRecord]:
    records = _resolve(ctx, ids)
    ctx.catalog.maintenance.set_trashed([r.id for r in records], datetime.now(UTC))
    people.note(ctx, "image.trash", [r.id for r in records])
    return [ctx.catalog.images.get(r.id) for r in records]


def restore(ctx: VaultContext, ids: Iterable[str]) -> list[ImageRecord]:
    """Take images out of the trash; naming one that is not in it changes nothing and says so
    (a count of "restored" images that were never gone would be a wrong answer)."""
    records = _resolve(ctx, ids)
    absent = [r.id for r in records if r.trashed_at is None]
    if absent:
        shown = ", ".join(absent[:5]) + (f" and {len(absent) - 5} more" if len(absent) > 5 else "")
        raise UserError(
            f"not in the trash: {shown}; nothing was restored (`ideovault trash` lists it)"
        )
    ctx.catalog.maintenance.set_trashed([r.id for r in records], None)
    people.note(ctx, "image.restore", [r.id for r in records])
    return [ctx.catalog.images.get(r.id) for r in records]


@dataclass
class PurgeReport:
    purged: list[ImageRecord] = field(default_factory=list)
    blobs_deleted: int = 0
    bytes_freed: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "purged": [r.id for r in self.purged],
            "blobs_deleted": self.blobs_deleted,
            "bytes_freed": self.bytes_freed,
        }


def purge(ctx: VaultContext, *, older_than: timedelta | None, everything: bool) -> PurgeReport:
    """Delete trashed images for good: those trashed longer ago than ``older_than``, or all."""
    if older_than is None and not everything:
        raise UserError("say what to purge: --older-than 7d, or --all for the whole trash")
    cutoff = None if everything else datetime.now(UTC) - (older_than or timedelta(0))
    report = PurgeReport()
    candidates = ctx.catalog.maintenance.trashed(before=cutoff, limit=10**9)
    for start in range(0, len(candidates), CHUNK):
        chunk = candidates[start : start + CHUNK]
        ctx.catalog.maintenance.delete_images([r.id for r in chunk])  # 1. rows: none point
        report.purged += chunk
        keys = {r.blob_key for r in chunk if r.blob_key}
        still_used = ctx.catalog.maintenance.referenced_among(keys)
        sizes = {r.blob_key: r.size_bytes or 0 for r in chunk}
        for key in sorted(keys - still_used):  # 2. then files nothing else points at
            ctx.store.delete(key)
            report.blobs_deleted += 1
            report.bytes_freed += sizes[key]
        for record in chunk:
            if record.blob_key in still_used:
                ctx.store.remove_from_sidecar(record.blob_key, record.id)
        people.note(ctx, "image.purge", [r.id for r in chunk])  # one entry per chunk
    return report
