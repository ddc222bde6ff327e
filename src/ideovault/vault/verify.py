"""Prove the vault is whole: every stored record has its blob with the right sha256, every blob
has a record, sidecars agree with the catalog. ``repair`` fixes what can be fixed and never
deletes anything: orphans are reported, missing files are re-linked or marked ``lost``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ideovault.blobs import EXTENSIONS, key_for
from ideovault.catalog.records import ImageRecord, ImageStatus
from ideovault.vault.presenting import sidecar_document

if TYPE_CHECKING:
    from ideovault.vault.context import VaultContext

CHUNK = 1024 * 1024


@dataclass
class Problem:
    kind: str  # missing | corrupt | orphan | sidecar | dead-link
    image_id: str | None
    key: str | None
    detail: str
    repaired: str | None = None

    def to_json(self) -> dict[str, Any]:
        return self.__dict__.copy()


@dataclass
class VerifyReport:
    checked: int = 0
    bytes_checked: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing is wrong, or everything found was repaired."""
        return all(p.repaired for p in self.problems)

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "checked": self.checked,
            "bytes_checked": self.bytes_checked,
            "problems": [p.to_json() for p in self.problems],
        }


def _sha256(ctx: VaultContext, key: str) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with ctx.store.open(key) as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _check_record(
    ctx: VaultContext, record: ImageRecord, repair: bool, report: VerifyReport
) -> None:
    key = record.blob_key
    assert key is not None and record.sha256 is not None
    if not ctx.store.exists(key):
        problem = Problem("missing", record.id, key, "the stored file is missing")
        report.problems.append(problem)
        if repair:
            twin = next(
                (
                    k
                    for ext in EXTENSIONS.values()
                    if ctx.store.exists(k := key_for(record.sha256, ext))
                ),
                None,
            )
            if twin is not None and _sha256(ctx, twin)[0] == record.sha256:
                ctx.catalog.maintenance.relink(record.id, twin, ctx.store.uri(twin))
                problem.repaired = f"re-linked to the identical file {twin}"
            else:
                ctx.catalog.maintenance.mark_lost(record.id, "file missing; no identical copy")
                problem.repaired = "marked lost (no identical copy exists)"
        return
    digest, size = _sha256(ctx, key)
    report.bytes_checked += size
    if digest != record.sha256:
        report.problems.append(
            Problem(
                "corrupt",
                record.id,
                key,
                f"sha256 is {digest[:12]}…, expected {record.sha256[:12]}…",
            )
        )
        return
    sidecar = ctx.store.read_sidecar(key) or {}
    entry = (sidecar.get("records") or {}).get(record.id)
    image = entry.get("image", {}) if isinstance(entry, dict) else {}
    if image.get("sha256") != record.sha256 or image.get("status") != record.status.value:
        problem = Problem("sidecar", record.id, key, "the sidecar does not match the catalog")
        report.problems.append(problem)
        if repair:
            generation = ctx.catalog.generations.get(record.generation_id)
            ctx.store.upsert_sidecar(key, record.id, sidecar_document(record, generation))
            problem.repaired = "sidecar rewritten from the catalog"


def verify(ctx: VaultContext, *, repair: bool = False) -> VerifyReport:
    report = VerifyReport()
    for record in ctx.catalog.maintenance.iter_with_blobs():
        if record.status != ImageStatus.STORED:
            continue
        report.checked += 1
        _check_record(ctx, record, repair, report)
    referenced = ctx.catalog.maintenance.referenced_keys()
    for key in ctx.store.iter_keys():
        if key not in referenced:
            report.problems.append(
                Problem("orphan", None, key, "a file no record points to (kept; delete it by hand)")
            )
    now = datetime.now(UTC)
    for image, _ in ctx.catalog.images.pending():
        if image.url_expires_at is not None and image.url_expires_at < now:
            report.problems.append(
                Problem("dead-link", image.id, None, "pending, and its link expired; run recover")
            )
    return report
