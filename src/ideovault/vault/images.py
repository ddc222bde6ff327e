"""The ``images`` service: reading and marking image records (``vault.images``).

Records by id, listing and search as self-paging results, tags, stars and ratings, where an
original can be fetched or opened, and the views built on records: lineage, look-alikes,
meaning search and the report. Every record it answers is presented (``presenting.present``)
and every change keeps the stored sidecars in step, because ``rebuild`` reads them back.

Heavy modules (numpy for look-alikes and meaning, the API's enums) load inside the methods
that need them, so that ``ideovault search`` starts as quickly as it did on the facade.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from ideovault.catalog.records import ImageRecord, ImageStatus
from ideovault.errors import UserError
from ideovault.vault import people
from ideovault.vault.paging import ImagePage
from ideovault.vault.presenting import image, present, refresh_sidecars
from ideovault.vault.tags import normalize_tags

if TYPE_CHECKING:
    from ideovault.vault.context import VaultContext
    from ideovault.vault.lineage import Lineage
    from ideovault.vault.semantic import Scored
    from ideovault.vault.similar import Match

# Derived files (thumbnails) live here, beside the catalog, never inside the blob store.
THUMBNAIL_FOLDER = "thumbnails"


class Images:
    """Reading and marking images: one per vault, built from its context."""

    def __init__(self, ctx: VaultContext) -> None:
        self._ctx = ctx

    # -- reading -----------------------------------------------------------------------------

    def get(self, id_or_prefix: str) -> ImageRecord:
        """One image by id or unique prefix (UserError when none or several match)."""
        return image(self._ctx, id_or_prefix)

    def list(
        self,
        limit: int = 50,
        *,
        before_id: str | None = None,
        statuses: Sequence[ImageStatus] | None = None,
    ) -> ImagePage:
        """Newest first; a full page's cursor is its last id (the next page's ``before_id``),
        so iterating the page walks the whole listing."""
        found = self._ctx.catalog.images.list(limit=limit, before_id=before_id, statuses=statuses)
        records = [present(self._ctx, r) for r in found]
        cursor = records[-1].id if records and len(records) >= limit else None

        def fetch(after: str) -> ImagePage:
            return self.list(limit, before_id=after, statuses=statuses)

        return ImagePage(records, cursor, fetch)

    def search(self, query: str = "", *, limit: int = 50, cursor: str | None = None) -> ImagePage:
        """One page of results for the search language; ``next_cursor`` continues it, and
        iterating the page walks every result."""
        page = self._ctx.catalog.images.search(query, limit=limit, cursor=cursor)

        def fetch(after: str) -> ImagePage:
            return self.search(query, limit=limit, cursor=after)

        return ImagePage([present(self._ctx, r) for r in page.records], page.next_cursor, fetch)

    # -- marking -----------------------------------------------------------------------------

    def tag(
        self, ids: Iterable[str], add: Iterable[str] = (), remove: Iterable[str] = ()
    ) -> builtins.list[ImageRecord]:
        """Add and remove tags (normalised and validated) on each image; returns the records."""
        catalog = self._ctx.catalog
        to_add, to_remove = normalize_tags(add), normalize_tags(remove)
        records = [catalog.images.get(i) for i in ids]  # resolve all before changing any
        changed = [catalog.images.set_tags(r.id, to_add, to_remove) for r in records]
        detail = {"add": list(to_add), "remove": list(to_remove)}
        people.note(self._ctx, "image.tag", [r.id for r in changed], detail)
        return refresh_sidecars(self._ctx, changed)

    def star(self, ids: Iterable[str], starred: bool = True) -> builtins.list[ImageRecord]:
        catalog = self._ctx.catalog
        records = [catalog.images.get(i) for i in ids]
        changed = [catalog.images.set_starred(r.id, starred) for r in records]
        action = "image.star" if starred else "image.unstar"
        people.note(self._ctx, action, [r.id for r in changed])
        return refresh_sidecars(self._ctx, changed)

    def rate(self, ids: Sequence[str], rating: int) -> builtins.list[ImageRecord]:
        """Give images 1-5 stars (0 clears); returns the records."""
        from ideovault.vault.selection import Selection

        selection = Selection(self._ctx)
        done = selection.bulk(selection.change("rate", rating=rating), ids)
        return [self.get(i) for i in done]

    # -- the original and what is derived from it -------------------------------------------

    def url(self, id_or_prefix: str, expires_seconds: int = 3600) -> str:
        """A URL for the original: the public base URL when set, else a signed, expiring one."""
        record = self.get(id_or_prefix)
        if record.status != ImageStatus.STORED or not record.blob_key:
            raise UserError(f"image {record.id} has no stored file ({record.status.value})")
        if record.public_url:
            return record.public_url
        if not 1 <= expires_seconds <= 7 * 24 * 3600:
            raise UserError("--expires must be between 1 second and 7 days")
        store = self._ctx.store
        signed = store.signed_url(record.blob_key, expires_seconds)
        if signed is None:
            raise UserError(
                f"this vault's storage ({store.url}) cannot sign URLs; the file is at "
                f"{record.local_path}. Set IDEOVAULT_PUBLIC_BASE_URL if a server publishes it."
            )
        return signed

    def open_original(self, id_or_prefix: str) -> tuple[ImageRecord, BinaryIO]:
        """The record and an open binary stream of its stored bytes (the caller closes it).

        A stream, not bytes: originals can be tens of megabytes and a server must not hold
        several of them in memory at once.
        """
        record = self.get(id_or_prefix)
        if record.status != ImageStatus.STORED or not record.blob_key:
            raise UserError(f"image {record.id} has no stored file ({record.status.value})")
        return record, self._ctx.store.open(record.blob_key)

    def derived_dir(self) -> Path:
        """Where derived files (thumbnails) are cached: beside the catalog and local blobs.

        Outside the blob store on purpose: blob stores list every file they hold as a blob,
        and a thumbnail must never be mistaken for an original by verify or rebuild.
        """
        return self._ctx.settings.home / THUMBNAIL_FOLDER

    @staticmethod
    def filter_choices() -> dict[str, builtins.list[str]]:
        """Values the API accepts for model, style and aspect (what filters offer)."""
        from ideovault.api import enums

        styles = dict.fromkeys((*enums.LEGACY_STYLE_TYPES, *enums.V3_STYLE_TYPES))
        aspects = dict.fromkeys((*enums.V3_ASPECTS, *enums.LEGACY_ASPECTS))
        return {"model": list(enums.MODELS), "style": list(styles), "aspect": list(aspects)}

    # -- views over many records -------------------------------------------------------------

    def lineage(self, image_id: str) -> Lineage:
        """Where an image came from (ancestors) and what was made from it (descendants)."""
        from ideovault.vault.lineage import lineage

        return lineage(self._ctx, image_id)

    def similar(self, image_id: str, limit: int = 20) -> builtins.list[Match]:
        """Images that look like this one, closest first (perceptual hash distance)."""
        from ideovault.vault.similar import similar

        return similar(self._ctx, image_id, limit)

    def semantic(self, text: str, limit: int = 20) -> builtins.list[Scored]:
        """Images whose prompts mean something close to ``text`` (needs the semantic extra)."""
        from ideovault.vault.semantic import search

        return search(self._ctx, text, limit)

    def report(self, *, exact: bool = False) -> dict[str, Any]:
        """Images, bytes and estimated cost by model, style, aspect, month, tag and status:
        from the running totals, or (``exact``) counted again from every row."""
        from ideovault.vault.report import report

        return report(self._ctx, exact=exact)
