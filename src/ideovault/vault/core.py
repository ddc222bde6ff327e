"""The vault: the one public face of ideovault. CLI and web call this; it calls api, catalog, blobs.

Sending and batches are its services ``vault.generations`` (``generations.py``, on the sending
pipeline of ``sending/``) and ``vault.batches`` (``batches.py``). The flow of one generation
(docs/architecture.md, ``sending/pipeline.py``) leaves rows that say what is missing after a
crash at any point, and :meth:`Vault.recover` finishes the work.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ideovault.blobs import BlobStore, open_store
from ideovault.catalog import Catalog
from ideovault.catalog.records import GenerationRecord, ImageRecord, ImageStatus
from ideovault.catalog.search import SearchPage
from ideovault.config import Settings, load_settings
from ideovault.errors import UserError
from ideovault.vault import people
from ideovault.vault.batches import Batches
from ideovault.vault.browse import BrowseOps
from ideovault.vault.context import VaultContext
from ideovault.vault.curation import CurationOps
from ideovault.vault.generations import Generations
from ideovault.vault.operations import LifecycleOps
from ideovault.vault.presenting import present, sidecar_document
from ideovault.vault.tags import normalize_tags

if TYPE_CHECKING:  # the HTTP client, validation and Pillow load only when generating
    from ideovault.api.client import IdeogramClient
    from ideovault.vault.lineage import Lineage
    from ideovault.vault.recover import RecoverReport

log = logging.getLogger("ideovault.vault")

# The return type of every method that answers image records.
Images = list[ImageRecord]


class Vault(LifecycleOps, BrowseOps, CurationOps):
    """A catalog plus a blob store plus an API client, opened from :class:`Settings`."""

    def __init__(self, context: VaultContext) -> None:
        self.context = context
        self.generations = Generations(context)
        self.batches = Batches(context)

    # -- transitional: the mixins still read these; each goes when its area is a service ----

    @property
    def settings(self) -> Settings:  # type: ignore[override]
        return self.context.settings

    @property
    def catalog(self) -> Catalog:  # type: ignore[override]
        return self.context.catalog

    @property
    def store(self) -> BlobStore:  # type: ignore[override]
        return self.context.store

    @property
    def client(self) -> IdeogramClient:
        return self.context.client

    @property
    def _client(self) -> IdeogramClient | None:
        return self.context._client

    @classmethod
    def open(
        cls,
        home: str | Path | None = None,
        database_url: str | None = None,
        storage_url: str | None = None,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        settings: Settings | None = None,
    ) -> Vault:
        """Open (creating and migrating if needed) the vault that the settings point at."""
        if settings is None:
            settings = load_settings(home, database_url, storage_url, api_key, base_url)
        settings.home.mkdir(parents=True, exist_ok=True)
        catalog = Catalog.open(settings.database_url)
        try:
            store = open_store(settings.storage_url)
        except BaseException:
            catalog.close()
            raise
        return cls(VaultContext(settings, catalog, store))

    def _vault(self) -> Vault:
        return self

    def close(self) -> None:
        self.context.close()

    def __enter__(self) -> Vault:
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- reading -----------------------------------------------------------------------------

    def _present(self, record: ImageRecord) -> ImageRecord:
        return present(self.context, record)

    def url(self, id_or_prefix: str, expires_seconds: int = 3600) -> str:
        """A URL for the original: the public base URL when set, else a signed, expiring one."""
        record = self.get(id_or_prefix)
        if record.status != ImageStatus.STORED or not record.blob_key:
            raise UserError(f"image {record.id} has no stored file ({record.status.value})")
        if record.public_url:
            return record.public_url
        if not 1 <= expires_seconds <= 7 * 24 * 3600:
            raise UserError("--expires must be between 1 second and 7 days")
        signed = self.store.signed_url(record.blob_key, expires_seconds)
        if signed is None:
            raise UserError(
                f"this vault's storage ({self.store.url}) cannot sign URLs; the file is at "
                f"{record.local_path}. Set IDEOVAULT_PUBLIC_BASE_URL if a server publishes it."
            )
        return signed

    def lineage(self, image_id: str) -> Lineage:
        """Where an image came from and what was made from it (transitional: it goes to
        ``vault.images.lineage``, with the images service)."""
        from ideovault.vault.lineage import lineage

        return lineage(self, image_id)

    def get(self, id_or_prefix: str) -> ImageRecord:
        return self._present(self.catalog.get_image(id_or_prefix))

    def list_images(
        self,
        limit: int = 50,
        *,
        before_id: str | None = None,
        statuses: Sequence[ImageStatus] | None = None,
    ) -> Images:
        records = self.catalog.list_images(limit=limit, before_id=before_id, statuses=statuses)
        return [self._present(r) for r in records]

    def search(self, query: str = "", *, limit: int = 50, cursor: str | None = None) -> SearchPage:
        """One page of results for the search language; ``next_cursor`` continues it."""
        page = self.catalog.search(query, limit=limit, cursor=cursor)
        return SearchPage([self._present(r) for r in page.records], page.next_cursor)

    # -- tags and stars ----------------------------------------------------------------------

    def tag(
        self, ids: Iterable[str], add: Iterable[str] = (), remove: Iterable[str] = ()
    ) -> Images:
        """Add and remove tags (normalised and validated) on each image; returns the records."""
        to_add, to_remove = normalize_tags(add), normalize_tags(remove)
        records = [self.catalog.get_image(i) for i in ids]  # resolve all before changing any
        changed = [self.catalog.set_tags(r.id, to_add, to_remove) for r in records]
        detail = {"add": list(to_add), "remove": list(to_remove)}
        people.note(self, "image.tag", [r.id for r in changed], detail)
        return self._changed(changed)

    def star(self, ids: Iterable[str], starred: bool = True) -> Images:
        records = [self.catalog.get_image(i) for i in ids]
        changed = [self.catalog.set_starred(r.id, starred) for r in records]
        people.note(self, "image.star" if starred else "image.unstar", [r.id for r in changed])
        return self._changed(changed)

    def _changed(self, records: Images) -> Images:
        """Keep each stored record's sidecar in step with the catalog (rebuild relies on it)."""
        for record in records:
            if record.blob_key and record.status == ImageStatus.STORED:
                generation = self.catalog.get_generation(record.generation_id)
                self.store.upsert_sidecar(
                    record.blob_key, record.id, self.sidecar_document(record, generation)
                )
        return [self._present(r) for r in records]

    @staticmethod
    def sidecar_document(record: ImageRecord, generation: GenerationRecord) -> dict[str, Any]:
        """Transitional, for the areas still calling it: ``presenting.sidecar_document``."""
        return sidecar_document(record, generation)

    # -- recovering --------------------------------------------------------------------------

    def recover(self) -> RecoverReport:
        """Finish pending downloads of dead processes; report what cannot be finished."""
        from ideovault.vault.recover import recover

        return recover(self)
