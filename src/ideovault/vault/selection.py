"""The ``selection`` service (``vault.selection``): many images at once — the ids a search
finds, one change applied to all of them, and a zip of them.

A selection is ids (or unique prefixes) or a search query; at most ``BULK_LIMIT`` images per
change, applied in one transaction, then each stored record's sidecar is brought in step (the
sidecar carries tags, stars and the rating; albums live in the catalog only).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from ideovault.catalog.records import ImageRecord
from ideovault.errors import UserError
from ideovault.vault import people
from ideovault.vault.presenting import present, sidecar_document
from ideovault.vault.tags import normalize_tags

if TYPE_CHECKING:
    from ideovault.catalog.bulk import Change, Kind
    from ideovault.catalog.query import Query
    from ideovault.vault.context import VaultContext

BULK_LIMIT = 10_000
PAGE = 1_000  # ids fetched per step while selecting
STREAM_PAGE = 500  # records fetched per step while streaming (zips, exports)


class Selection:
    """Selecting images by query, and changing or zipping a selection."""

    def __init__(self, ctx: VaultContext) -> None:
        self._ctx = ctx

    def ids(self, query: str, *, limit: int = BULK_LIMIT) -> list[str]:
        """The ids a search finds, in its order; UserError if more than ``limit`` match."""
        found: list[str] = []
        cursor = None
        while True:
            page = self._ctx.catalog.images.search(query, limit=PAGE, cursor=cursor)
            found += [r.id for r in page.records]
            if len(found) > limit:
                raise UserError(
                    f"the query matches more than {limit:,} images, the most one change may "
                    "touch; narrow it (e.g. add after:/before: or tag:) and act in parts"
                )
            if page.next_cursor is None:
                return found
            cursor = page.next_cursor

    def count(self, query: str, *, cap: int = BULK_LIMIT) -> tuple[int, bool]:
        """How many images a search finds, counting no further than ``cap`` (and whether it
        stopped there): what the gallery shows, and what "select all results" would touch."""
        try:
            return len(self.ids(query, limit=cap)), False
        except UserError as exc:
            if "more than" not in str(exc):
                raise
            return cap, True

    def matches(self, query: str | Query) -> Iterator[ImageRecord]:
        """Every record a search finds, page by page (for streaming exports)."""
        cursor = None
        while True:
            page = self._ctx.catalog.images.search(query, limit=STREAM_PAGE, cursor=cursor)
            yield from (present(self._ctx, r) for r in page.records)
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    def bulk(
        self,
        change: Change,
        ids: Sequence[str] = (),
        query: str | None = None,
        *,
        limit: int = BULK_LIMIT,
    ) -> list[str]:
        """Apply one change to ids or to what a query finds, in one transaction."""

        if (query is None) == (not ids):
            raise UserError("name the images: ids, or a query (not both)")
        names = list(ids) if ids else self.ids(query or "", limit=limit)
        if len(names) > limit:
            raise UserError(
                f"{len(names):,} images named; one change may touch at most {limit:,}; act in parts"
            )
        if not names:
            return []
        done = self._ctx.catalog.images.apply(names, change)
        people.note(self._ctx, f"image.{change.kind}", done, _detail(change))
        if change.kind not in ("album", "unalbum"):
            self.refresh_sidecars(done)
        return done

    def refresh_sidecars(self, ids: Sequence[str]) -> None:
        """Rewrite the sidecars of stored records after a change (rebuild relies on them)."""
        catalog, store = self._ctx.catalog, self._ctx.store
        generations = {}
        for record in catalog.images.stored_among(ids):
            assert record.blob_key is not None
            gid = record.generation_id
            if gid not in generations:
                generations[gid] = catalog.generations.get(gid)
            document = sidecar_document(record, generations[gid])
            store.upsert_sidecar(record.blob_key, record.id, document)

    @staticmethod
    def change(kind: Kind, **fields: object) -> Change:
        """A bulk :class:`Change`, with tags normalised and validated like single changes."""
        from ideovault.catalog.bulk import KINDS, Change
        from ideovault.catalog.ratings import check_rating

        if kind not in KINDS:
            raise UserError(f"unknown action {kind!r}; one of {', '.join(KINDS)}")
        if kind == "rate":
            check_rating(fields.get("rating"))  # type: ignore[arg-type]
        for name in ("add_tags", "remove_tags"):
            if name in fields:
                fields[name] = tuple(normalize_tags(fields[name]))  # type: ignore[arg-type]
        return Change(kind, **fields)  # type: ignore[arg-type]

    def zip_stream(
        self, ids: Sequence[str] = (), query: str | None = None, album: str | None = None
    ) -> Iterator[bytes]:
        """A zip (streamed) of a selection of ids, a search, or an album; see ``zipstream``.

        Everything is checked before the first byte: an unknown id, a bad query or album is a
        UserError here, not a broken download."""
        from ideovault.vault.albums import album_query
        from ideovault.vault.zipstream import zip_stream

        given = [bool(ids), query is not None, album is not None]
        if sum(given) != 1:
            raise UserError("zip what? ids, a query or an album (one of them)")
        records: Iterable[ImageRecord]
        if ids:
            if len(ids) > BULK_LIMIT:
                raise UserError(f"at most {BULK_LIMIT:,} ids per zip; use a query or an album")
            records = self._records(ids)
        else:
            from ideovault.catalog.query import parse

            parsed = album_query(self._ctx, album) if album is not None else parse(query or "")
            records = self.matches(parsed)
        return zip_stream(self._ctx, records)

    def _records(self, ids: Sequence[str]) -> list[ImageRecord]:
        """The records of ids (or prefixes), in the order given, resolved in a few queries."""
        return [present(self._ctx, r) for r in self._ctx.catalog.images.resolve_many(ids)]


def _detail(change: Change) -> dict[str, object]:
    """What a bulk change did, for its audit entry (only the fields of its kind)."""
    if change.kind == "tag":
        return {"add": list(change.add_tags), "remove": list(change.remove_tags)}
    if change.kind in ("album", "unalbum"):
        return {"album": change.album}
    if change.kind == "rate":
        return {"rating": change.rating}
    if change.kind == "star":
        return {"starred": change.starred}
    return {}
