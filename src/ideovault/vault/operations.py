"""The vault's lifecycle operations — trash, cleanup, purge, report, verify, rebuild, import,
export, storage migration — as a mixin of :class:`ideovault.vault.core.Vault`.

Each method is the public entry point and delegates to the module that does the work, so that
the core stays about the flow of a generation and these modules load only when used.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ideovault.catalog.records import ImageRecord

if TYPE_CHECKING:
    from ideovault.blobs import BlobStore
    from ideovault.catalog import Catalog
    from ideovault.config import Settings
    from ideovault.vault.cleanup import CleanupPlan, Policy
    from ideovault.vault.core import Vault
    from ideovault.vault.export import ExportReport
    from ideovault.vault.importer import ImportReport
    from ideovault.vault.lifecycle import PurgeReport
    from ideovault.vault.migrate import MigrateReport
    from ideovault.vault.rebuild import RebuildReport
    from ideovault.vault.verify import VerifyReport

Images = list[ImageRecord]


class LifecycleOps:
    settings: Settings
    catalog: Catalog
    store: BlobStore

    def _present(self, record: ImageRecord) -> ImageRecord:
        raise NotImplementedError

    def _changed(self, records: Images) -> Images:
        raise NotImplementedError

    def _vault(self) -> Vault:
        from ideovault.vault.core import Vault

        assert isinstance(self, Vault)
        return self

    def trash(self, ids: Iterable[str]) -> Images:
        """Move images to the trash: hidden from list and search, files kept."""
        from ideovault.vault.lifecycle import trash

        return self._changed(trash(self._vault(), ids))

    def restore(self, ids: Iterable[str]) -> Images:
        from ideovault.vault.lifecycle import restore

        return self._changed(restore(self._vault(), ids))

    def trashed(self) -> Images:
        from ideovault.catalog.maintenance import trashed

        return [self._present(r) for r in trashed(self.catalog)]

    def purge(self, older_than: timedelta | None = None, everything: bool = False) -> PurgeReport:
        """Delete trashed images for good; a blob goes when no record points at it."""
        from ideovault.vault.lifecycle import purge

        return purge(self._vault(), older_than=older_than, everything=everything)

    def cleanup_plan(self, policy: Policy) -> CleanupPlan:
        """Which images a retention policy would remove, and why (changes nothing)."""
        from ideovault.vault.cleanup import plan

        return plan(self._vault(), policy)

    def cleanup(self, plan: CleanupPlan) -> None:
        """Move a plan's images to the trash."""
        from ideovault.vault.cleanup import run

        run(self._vault(), plan)

    def report(self, *, exact: bool = False) -> dict[str, Any]:
        """Images, bytes and estimated cost by model, style, aspect, month, tag and status:
        from the running totals, or (``exact``) counted again from every row."""
        from ideovault.vault.report import report

        return report(self._vault(), exact=exact)

    def rebuild(self, into: str | None = None) -> RebuildReport:
        """A new catalog from the blob store's sidecars alone."""
        from ideovault.vault.rebuild import rebuild

        return rebuild(self._vault(), into)

    def import_path(self, path: str | Path) -> ImportReport:
        """Import a seed generations.json, a folder with sidecars, or plain images."""
        from ideovault.vault.importer import import_path

        return import_path(self._vault(), path)

    def export(
        self, query: str, to: str | Path, *, embed_metadata: bool = False, overwrite: bool = False
    ) -> ExportReport:
        """Copy the originals a query finds, plus manifests, to a folder or a .zip (an existing
        .zip is replaced only with ``overwrite``)."""
        from ideovault.vault.export import export

        return export(self._vault(), query, to, embed_metadata=embed_metadata, overwrite=overwrite)

    def migrate_storage(self, to: str) -> MigrateReport:
        """Copy every blob and sidecar to another store, verify each, then switch to it."""
        from ideovault.vault.migrate import migrate

        return migrate(self._vault(), to)

    def verify(self, repair: bool = False) -> VerifyReport:
        from ideovault.vault.verify import verify

        return verify(self._vault(), repair=repair)
