"""Rebuild the catalog from the blob store's sidecars alone, for when the database is lost.

Every stored image's sidecar holds its full record and its generation's (kept in step on every
tag, star and trash change), so the rebuilt catalog matches the lost one record for record.
Records that never had bytes (withheld as unsafe, expired before download) have no sidecar and
cannot come back this way; the report says how many sidecars were unreadable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ideovault.catalog import Catalog
from ideovault.catalog.records import GenerationRecord, ImageRecord
from ideovault.errors import UserError

if TYPE_CHECKING:
    from ideovault.vault.context import VaultContext


@dataclass
class RebuildReport:
    images: int = 0
    blobs: int = 0
    skipped: list[str] = field(default_factory=list)  # "key: why"

    def to_json(self) -> dict[str, Any]:
        return {"images": self.images, "blobs": self.blobs, "skipped": self.skipped}


def rebuild(ctx: VaultContext, into: str | None = None) -> RebuildReport:
    """Fill ``into`` (a database URL; default: this vault's catalog) from the sidecars.

    The target must hold no images: rebuilding never overwrites or merges into live data.
    """
    target = Catalog.open(into) if into else ctx.catalog
    try:
        if target.maintenance.has_images():
            raise UserError(
                f"the catalog at {target.url_for_display} is not empty; rebuild into a new one "
                "(--to sqlite:///path/new.db) or move the old one away first"
            )
        report = RebuildReport()
        for key in ctx.store.iter_keys():
            report.blobs += 1
            sidecar = ctx.store.read_sidecar(key)
            if sidecar is None:
                report.skipped.append(f"{key}: no sidecar (run `ideovault verify --repair`)")
                continue
            for record_id, doc in (sidecar.get("records") or {}).items():
                try:
                    image = ImageRecord.model_validate(doc["image"])
                    generation = GenerationRecord.model_validate(doc["generation"])
                except (KeyError, TypeError, ValidationError) as exc:
                    report.skipped.append(f"{key}: record {record_id} is damaged ({exc})")
                    continue
                if target.maintenance.insert_restored(generation, image):
                    report.images += 1
        return report
    finally:
        if into:
            target.close()
