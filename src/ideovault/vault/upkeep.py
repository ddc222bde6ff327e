"""``vault.upkeep``: keeping a vault whole — trash, cleanup, purge, verify, rebuild, import,
export, storage migration, recovery after a crash, and the perceptual-hash chores.

Each method is the public entry point and calls the module that does the work (taking the
context), so that these modules load only when a command uses them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from ideovault.catalog.records import ImageRecord
from ideovault.vault.presenting import present, refresh_sidecars

if TYPE_CHECKING:
    from ideovault.vault.cleanup import CleanupPlan, Policy
    from ideovault.vault.context import VaultContext
    from ideovault.vault.export import ExportReport
    from ideovault.vault.importer import ImportReport
    from ideovault.vault.lifecycle import PurgeReport
    from ideovault.vault.migrate import MigrateReport
    from ideovault.vault.rebuild import RebuildReport
    from ideovault.vault.recover import RecoverReport
    from ideovault.vault.similar import BackfillReport, Match
    from ideovault.vault.verify import VerifyReport

Images = list[ImageRecord]


class Upkeep:
    """The chores that keep the catalog, the blob store and their sidecars in step."""

    def __init__(self, ctx: VaultContext) -> None:
        self._ctx = ctx

    def trash(self, ids: Iterable[str]) -> Images:
        """Move images to the trash: hidden from list and search, files kept."""
        from ideovault.vault.lifecycle import trash

        return refresh_sidecars(self._ctx, trash(self._ctx, ids))

    def restore(self, ids: Iterable[str]) -> Images:
        from ideovault.vault.lifecycle import restore

        return refresh_sidecars(self._ctx, restore(self._ctx, ids))

    def trashed(self) -> Images:

        return [present(self._ctx, r) for r in self._ctx.catalog.maintenance.trashed()]

    def purge(self, older_than: timedelta | None = None, everything: bool = False) -> PurgeReport:
        """Delete trashed images for good; a blob goes when no record points at it."""
        from ideovault.vault.lifecycle import purge

        return purge(self._ctx, older_than=older_than, everything=everything)

    def cleanup_plan(self, policy: Policy) -> CleanupPlan:
        """Which images a retention policy would remove, and why (changes nothing)."""
        from ideovault.vault.cleanup import plan

        return plan(self._ctx, policy)

    def cleanup(self, plan: CleanupPlan) -> None:
        """Move a plan's images to the trash."""
        from ideovault.vault.cleanup import run

        run(self._ctx, plan)

    def rebuild(self, into: str | None = None) -> RebuildReport:
        """A new catalog from the blob store's sidecars alone."""
        from ideovault.vault.rebuild import rebuild

        return rebuild(self._ctx, into)

    def import_path(self, path: str | Path) -> ImportReport:
        """Import a seed generations.json, a folder with sidecars, or plain images."""
        from ideovault.vault.importer import import_path

        return import_path(self._ctx, path)

    def export(
        self, query: str, to: str | Path, *, embed_metadata: bool = False, overwrite: bool = False
    ) -> ExportReport:
        """Copy the originals a query finds, plus manifests, to a folder or a .zip (an existing
        .zip is replaced only with ``overwrite``)."""
        from ideovault.vault.export import LocalSource, export

        source = LocalSource(self._ctx)
        return export(source, query, to, embed_metadata=embed_metadata, overwrite=overwrite)

    def migrate_storage(self, to: str) -> MigrateReport:
        """Copy every blob and sidecar to another store, verify each, then switch to it (the
        context is shared, so every service of this vault uses the new store at once)."""
        from ideovault.vault.migrate import migrate

        return migrate(self._ctx, to)

    def verify(self, repair: bool = False) -> VerifyReport:
        """Every stored record has its blob with the right checksum, every blob a record."""
        from ideovault.vault.verify import verify

        return verify(self._ctx, repair=repair)

    def recover(self) -> RecoverReport:
        """Finish pending downloads of dead processes; report what cannot be finished."""
        from ideovault.vault.recover import recover

        return recover(self._ctx)

    def backfill(self) -> BackfillReport:
        """Perceptual hashes (and meanings) for images stored before they existed."""
        from ideovault.vault import similar  # numpy only when asked

        return similar.backfill(self._ctx)

    def dupes(self, max_distance: int = 3) -> list[list[Match]]:
        """Groups of near-identical images across the vault, largest group first."""
        from ideovault.vault import similar  # numpy only when asked

        return similar.dupes(self._ctx, max_distance)
