"""Curation — ratings, albums and bulk changes — as a mixin of :class:`ideovault.vault.Vault`.

A selection is ids (or unique prefixes) or a search query; at most ``BULK_LIMIT`` images per
change, applied in one transaction, then each stored record's sidecar is brought in step (the
sidecar carries the rating; albums live in the catalog only).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from ideovault.catalog.records import ImageRecord, ImageStatus
from ideovault.errors import UserError
from ideovault.vault import actors, people
from ideovault.vault.tags import normalize_tags

if TYPE_CHECKING:
    from ideovault.catalog.albums import Album
    from ideovault.catalog.bulk import Change, Kind
    from ideovault.catalog.query import Query
    from ideovault.vault.core import Vault

BULK_LIMIT = 10_000
PAGE = 1_000


class CurationOps:
    def _vault(self) -> Vault:
        raise NotImplementedError

    # -- selections --------------------------------------------------------------------------

    def select_ids(self, query: str, *, limit: int = BULK_LIMIT) -> list[str]:
        """The ids a search finds, in its order; UserError if more than ``limit`` match."""
        vault = self._vault()
        found: list[str] = []
        cursor = None
        while True:
            page = vault.catalog.search(query, limit=PAGE, cursor=cursor)
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
            return len(self.select_ids(query, limit=cap)), False
        except UserError as exc:
            if "more than" not in str(exc):
                raise
            return cap, True

    def iter_matches(self, query: str | Query) -> Iterator[ImageRecord]:
        """Every record a search finds, page by page (for streaming exports)."""
        vault = self._vault()
        cursor = None
        while True:
            page = vault.catalog.search(query, limit=500, cursor=cursor)
            yield from (vault._present(r) for r in page.records)
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
        from ideovault.catalog import bulk

        if (query is None) == (not ids):
            raise UserError("name the images: ids, or a query (not both)")
        names = list(ids) if ids else self.select_ids(query or "", limit=limit)
        if len(names) > limit:
            raise UserError(
                f"{len(names):,} images named; one change may touch at most {limit:,}; act in parts"
            )
        if not names:
            return []
        vault = self._vault()
        done = bulk.apply(vault.catalog, names, change)
        people.note(vault, f"image.{change.kind}", done, _detail(change))
        if change.kind not in ("album", "unalbum"):
            self.refresh_sidecars(done)
        return done

    def refresh_sidecars(self, ids: Sequence[str]) -> None:
        """Rewrite the sidecars of stored records after a change (rebuild relies on them)."""
        from sqlalchemy import select

        from ideovault.catalog.schema import images
        from ideovault.catalog.selection import chunks

        vault = self._vault()
        generations = {}
        for chunk in chunks(list(ids)):
            stored = select(images).where(
                images.c.id.in_(list(chunk)),
                images.c.blob_key.is_not(None),
                images.c.status == ImageStatus.STORED.value,
            )
            for record in vault.catalog.fetch_images(stored):
                assert record.blob_key is not None
                gid = record.generation_id
                if gid not in generations:
                    generations[gid] = vault.catalog.get_generation(gid)
                document = vault.sidecar_document(record, generations[gid])
                vault.store.upsert_sidecar(record.blob_key, record.id, document)

    def change(self, kind: Kind, **fields: object) -> Change:
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

    def album_query(self, name: str) -> Query:
        """The search for an album's images (newest first, the trash hidden)."""
        from dataclasses import replace

        from ideovault.catalog.albums import check_name
        from ideovault.catalog.query import Query

        album = self.album(check_name(name))
        return replace(Query(), albums=(album.name,))

    def zip_stream(
        self, ids: Sequence[str] = (), query: str | None = None, album: str | None = None
    ) -> Iterator[bytes]:
        """A zip (streamed) of a selection of ids, a search, or an album; see ``zipstream``.

        Everything is checked before the first byte: an unknown id, a bad query or album is a
        UserError here, not a broken download."""
        from ideovault.vault.zipstream import zip_stream

        vault = self._vault()
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

            parsed = self.album_query(album) if album is not None else parse(query or "")
            records = self.iter_matches(parsed)
        return zip_stream(vault, records)

    def _records(self, ids: Sequence[str]) -> list[ImageRecord]:
        """The records of ids (or prefixes), in the order given, resolved in a few queries."""
        from sqlalchemy import select

        from ideovault.catalog.schema import images
        from ideovault.catalog.selection import chunks, resolve_ids

        vault = self._vault()
        with vault.catalog.engine.connect() as conn:
            full = resolve_ids(vault.catalog, conn, ids)
        found: dict[str, ImageRecord] = {}
        for chunk in chunks(full):
            query = select(images).where(images.c.id.in_(list(chunk)))
            found.update((r.id, vault._present(r)) for r in vault.catalog.fetch_images(query))
        return [found[i] for i in full]

    # -- ratings -----------------------------------------------------------------------------

    def rate(self, ids: Sequence[str], rating: int) -> list[ImageRecord]:
        """Give images 1-5 stars (0 clears); returns the records."""
        done = self.bulk(self.change("rate", rating=rating), ids)
        vault = self._vault()
        return [vault.get(i) for i in done]

    # -- albums ------------------------------------------------------------------------------

    def albums(self) -> list[Album]:
        from ideovault.catalog.albums import list_albums

        return list_albums(self._vault().catalog)

    def album(self, name: str) -> Album:
        from ideovault.catalog.albums import get

        return get(self._vault().catalog, name)

    def album_by_id(self, album_id: str) -> Album:
        from ideovault.catalog.albums import by_id

        return by_id(self._vault().catalog, album_id)

    def album_create(self, name: str) -> Album:
        from ideovault.catalog.albums import create

        album = create(self._vault().catalog, name)
        people.record(self._vault(), actors.acting_name(), "album.create", album.name)
        return album

    def album_rename(self, old: str, new: str) -> Album:
        from ideovault.catalog.albums import rename

        album = rename(self._vault().catalog, old, new)
        people.record(self._vault(), actors.acting_name(), "album.rename", old, {"to": new})
        return album

    def album_delete(self, name: str) -> int:
        """Delete an album (never its images); returns how many images it held."""
        from ideovault.catalog.albums import delete_album

        held = delete_album(self._vault().catalog, name)
        people.record(self._vault(), actors.acting_name(), "album.delete", name, {"held": held})
        return held

    def album_cover(self, name: str, image_id: str | None) -> Album:
        from ideovault.catalog.albums import set_cover

        album = set_cover(self._vault().catalog, name, image_id)
        people.record(self._vault(), actors.acting_name(), "album.cover", name,
                      {"cover": album.cover_id})  # fmt: skip
        return album

    def albums_of(self, image_id: str) -> list[str]:
        from ideovault.catalog.albums import albums_of

        vault = self._vault()
        return albums_of(vault.catalog, vault.catalog.get_image(image_id).id)


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
