"""What a viewer of the vault needs beyond records: look-alikes and meaning search, the original
bytes as a stream, a place to cache derived files (thumbnails), and the values the filters offer.

A mixin of :class:`ideovault.vault.core.Vault`, so that the web layer can stay on the far side
of the vault (docs/architecture.md: web → vault → blobs/api) and never open a blob store itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from ideovault.catalog.records import ImageRecord, ImageStatus
from ideovault.errors import UserError

if TYPE_CHECKING:
    from ideovault.blobs import BlobStore
    from ideovault.config import Settings
    from ideovault.vault.core import Vault
    from ideovault.vault.semantic import Scored
    from ideovault.vault.similar import BackfillReport, Match

THUMBNAIL_FOLDER = "thumbnails"
Matches = list["Match"]


class BrowseOps:
    settings: Settings
    store: BlobStore

    def get(self, id_or_prefix: str) -> ImageRecord:
        raise NotImplementedError

    def _vault(self) -> Vault:
        raise NotImplementedError

    def similar(self, image_id: str, limit: int = 20) -> Matches:
        """Images that look like this one, closest first (perceptual hash distance)."""
        from ideovault.vault.similar import similar

        return similar(self._vault(), image_id, limit)

    def dupes(self, max_distance: int = 3) -> list[Matches]:
        """Groups of near-identical images across the vault."""
        from ideovault.vault.similar import dupes

        return dupes(self._vault(), max_distance)

    def semantic_search(self, text: str, limit: int = 20) -> list[Scored]:
        """Images whose prompts mean something close to ``text`` (needs the semantic extra)."""
        from ideovault.vault.semantic import search

        return search(self._vault(), text, limit)

    def backfill(self) -> BackfillReport:
        """Perceptual hashes for stored images that were stored before hashes existed."""
        from ideovault.vault.similar import backfill

        return backfill(self._vault())

    def open_original(self, id_or_prefix: str) -> tuple[ImageRecord, BinaryIO]:
        """The record and an open binary stream of its stored bytes (the caller closes it).

        A stream, not bytes: originals can be tens of megabytes and a server must not hold
        several of them in memory at once.
        """
        record = self.get(id_or_prefix)
        if record.status != ImageStatus.STORED or not record.blob_key:
            raise UserError(f"image {record.id} has no stored file ({record.status.value})")
        return record, self.store.open(record.blob_key)

    @property
    def derived_dir(self) -> Path:
        """Where derived files (thumbnails) are cached: beside the catalog and local blobs.

        Outside the blob store on purpose: blob stores list every file they hold as a blob,
        and a thumbnail must never be mistaken for an original by verify or rebuild.
        """
        return self.settings.home / THUMBNAIL_FOLDER

    @staticmethod
    def filter_choices() -> dict[str, list[str]]:
        """Values the API accepts for model, style and aspect (what filters offer)."""
        from ideovault.api import enums

        styles = dict.fromkeys((*enums.LEGACY_STYLE_TYPES, *enums.V3_STYLE_TYPES))
        aspects = dict.fromkeys((*enums.V3_ASPECTS, *enums.LEGACY_ASPECTS))
        return {"model": list(enums.MODELS), "style": list(styles), "aspect": list(aspects)}
