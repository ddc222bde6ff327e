"""The images of the catalog, reached as ``catalog.images``: lookups, listings, search, the
writes of one image (stored, failed, tags, star, describe's texts) and of many (a bulk change).

Every read that returns records loads their tags with them (``rows.tags_of``), so a record is
the same whichever method returned it.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, and_, delete, func, insert, select, update
from sqlalchemy.sql import Select

from ideovault.catalog.records import (
    GenerationRecord,
    ImageRecord,
    ImageStatus,
    NewImage,
    StoredInfo,
)
from ideovault.catalog.rows import (
    generation_from_row,
    generation_to_row,
    image_from_row,
    resolve_id,
    tags_of,
)
from ideovault.catalog.schema import generations, image_tags, images

if TYPE_CHECKING:
    from ideovault.catalog.bulk import Change
    from ideovault.catalog.query import Query
    from ideovault.catalog.search import SearchPage

_CHUNK = 500  # ids per IN (): SQLite allows 32766 bound parameters; stay far below


class ImageRepository:
    """Image rows and their tags; built from the engine alone (cheap, holds no state)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- reads -------------------------------------------------------------------------------

    def get(self, id_or_prefix: str) -> ImageRecord:
        with self.engine.connect() as conn:
            image_id = resolve_id(conn, images, id_or_prefix, "image")
            row = conn.execute(select(images).where(images.c.id == image_id)).mappings().one()
            tags = tags_of(conn, [image_id])
        return image_from_row(row, tags.get(image_id, ()))

    def get_many(self, ids: Sequence[str]) -> builtins.list[ImageRecord]:
        """Records for exact ids, in the order given (missing ids are skipped)."""
        found: dict[str, ImageRecord] = {}
        for start in range(0, len(ids), _CHUNK):
            chunk = builtins.list(ids[start : start + _CHUNK])
            for record in self.fetch(select(images).where(images.c.id.in_(chunk))):
                found[record.id] = record
        return [found[i] for i in ids if i in found]

    def resolve_many(self, names: Sequence[str]) -> builtins.list[ImageRecord]:
        """Records for ids or unique prefixes, in the order given, in a few queries (NotFound or
        AmbiguousId on the first that does not name exactly one image)."""
        from ideovault.catalog.selection import resolve_ids

        with self.engine.connect() as conn:
            full = resolve_ids(conn, names)
        found = {r.id: r for r in self.get_many(full)}
        return [found[i] for i in full]

    def stored_among(self, ids: Sequence[str]) -> builtins.list[ImageRecord]:
        """Those of ``ids`` whose file is stored (they have a sidecar to keep in step)."""
        out: builtins.list[ImageRecord] = []
        for start in range(0, len(ids), _CHUNK):
            chunk = builtins.list(ids[start : start + _CHUNK])
            out.extend(self.fetch(select(images).where(
                images.c.id.in_(chunk),
                images.c.blob_key.is_not(None),
                images.c.status == ImageStatus.STORED.value,
            )))  # fmt: skip
        return out

    def exists(self, image_id: str) -> bool:
        with self.engine.connect() as conn:
            query = select(images.c.id).where(images.c.id == image_id)
            return conn.execute(query).first() is not None

    def fetch(self, query: Select[Any]) -> builtins.list[ImageRecord]:
        """The records a ``select(images)`` finds, with their tags."""
        with self.engine.connect() as conn:
            rows = builtins.list(conn.execute(query).mappings())
            tags = tags_of(conn, [r["id"] for r in rows])
        return [image_from_row(r, tags.get(r["id"], ())) for r in rows]

    def of_generation(self, generation_id: str) -> builtins.list[ImageRecord]:
        query = select(images).where(images.c.generation_id == generation_id).order_by(images.c.idx)
        return self.fetch(query)

    def list(
        self,
        *,
        limit: int = 50,
        before_id: str | None = None,
        statuses: Sequence[ImageStatus] | None = None,
        include_trashed: bool = False,
    ) -> builtins.list[ImageRecord]:
        """Newest first (ids are UUIDv7, so id order is creation order); keyset pagination."""
        query = select(images).order_by(images.c.id.desc()).limit(limit)
        if before_id:
            query = query.where(images.c.id < before_id)
        if statuses:
            query = query.where(images.c.status.in_([s.value for s in statuses]))
        if not include_trashed:
            query = query.where(images.c.trashed_at.is_(None))
        return self.fetch(query)

    def pending(self) -> builtins.list[tuple[ImageRecord, GenerationRecord]]:
        """Images answered but not downloaded yet, each with its generation."""
        query = (
            select(images).where(images.c.status == ImageStatus.PENDING.value).order_by(images.c.id)
        )
        pending = self.fetch(query)
        wanted = sorted({r.generation_id for r in pending})
        with self.engine.connect() as conn:
            rows = conn.execute(select(generations).where(generations.c.id.in_(wanted))).mappings()
            gens = {row["id"]: generation_from_row(row) for row in rows}
        return [(r, gens[r.generation_id]) for r in pending]

    def status_counts(self) -> dict[str, int]:
        query = select(images.c.status, func.count()).group_by(images.c.status)
        with self.engine.connect() as conn:
            return {status: count for status, count in conn.execute(query)}

    def find_by_sha256(self, sha256: str) -> builtins.list[ImageRecord]:
        return self.fetch(select(images).where(images.c.sha256 == sha256).limit(10))

    def children_of(self, parent_ids: Sequence[str]) -> builtins.list[ImageRecord]:
        """Every image whose parent is one of ``parent_ids`` (an index scan on parent_id)."""
        out: builtins.list[ImageRecord] = []
        for start in range(0, len(parent_ids), _CHUNK):
            chunk = builtins.list(parent_ids[start : start + _CHUNK])
            out += self.fetch(
                select(images).where(images.c.parent_id.in_(chunk)).order_by(images.c.id)
            )
        return out

    def search(
        self, query: Query | str, *, limit: int = 50, cursor: str | None = None
    ) -> SearchPage:
        """One page of results for the search language (see ``catalog/query.py``)."""
        from ideovault.catalog import search, search_pages
        from ideovault.catalog.query import parse as parse_query

        parsed = parse_query(query) if isinstance(query, str) else query
        with self.engine.connect().execution_options(read_only=True) as conn:
            parent_id = resolve_id(conn, images, parsed.parent, "image") if parsed.parent else None
            stmt, sort, key = search.build(
                parsed,
                self.engine.dialect.name,
                limit=limit,
                cursor=cursor,
                parent_id=parent_id,
                conn=conn,
            )
            offset = 0
            if key == "relevance" and cursor:
                offset = int(search_pages.decode_cursor(cursor, sort)["o"])
            rows = search.fetch(conn, stmt)
            tags = tags_of(conn, [r["id"] for r in rows[:limit]])
        return search_pages.page(rows, sort, key, limit, offset, tags)

    # -- writes of one image -----------------------------------------------------------------

    def mark_stored(self, image_id: str, info: StoredInfo) -> ImageRecord:
        values = info.model_dump(exclude={"local_path"})
        with self.engine.begin() as conn:
            conn.execute(
                update(images)
                .where(images.c.id == image_id)
                .values(**values, status=ImageStatus.STORED.value, error=None)
            )
        return self.get(image_id)

    def mark(self, image_id: str, status: ImageStatus, error: str | None) -> ImageRecord:
        with self.engine.begin() as conn:
            conn.execute(
                update(images)
                .where(images.c.id == image_id)
                .values(status=status.value, error=error)
            )
        return self.get(image_id)

    def set_tags(self, image_id: str, add: Iterable[str], remove: Iterable[str]) -> ImageRecord:
        record = self.get(image_id)
        to_add = [t for t in dict.fromkeys(add) if t not in record.tags]
        to_remove = builtins.list(dict.fromkeys(remove))
        with self.engine.begin() as conn:
            if to_remove:
                conn.execute(
                    delete(image_tags).where(
                        and_(image_tags.c.image_id == record.id, image_tags.c.tag.in_(to_remove))
                    )
                )
            if to_add:
                conn.execute(
                    insert(image_tags), [{"image_id": record.id, "tag": t} for t in to_add]
                )
            # Keep the denormalised copy (what full-text search indexes) in the same transaction.
            tags = conn.execute(
                select(image_tags.c.tag)
                .where(image_tags.c.image_id == record.id)
                .order_by(image_tags.c.tag)
            ).scalars()
            conn.execute(
                update(images).where(images.c.id == record.id).values(tags_text=" ".join(tags))
            )
        return self.get(record.id)

    def set_starred(self, image_id: str, starred: bool) -> ImageRecord:
        record = self.get(image_id)
        with self.engine.begin() as conn:
            conn.execute(update(images).where(images.c.id == record.id).values(starred=starred))
        return self.get(record.id)

    def add_descriptions(self, image_id: str, entries: builtins.list[dict[str, Any]]) -> None:
        """Append describe's texts to the image (kept, never replaced: each call is paid for)."""
        with self.engine.begin() as conn:
            current = conn.execute(
                select(images.c.descriptions).where(images.c.id == image_id)
            ).scalar_one()
            merged = [*(current or []), *entries]
            flat = " ".join(str(e.get("text", "")) for e in merged)
            conn.execute(
                update(images)
                .where(images.c.id == image_id)
                .values(descriptions=merged, descriptions_text=flat)
            )

    def add_imported(
        self, generation: GenerationRecord, image: NewImage, info: StoredInfo
    ) -> ImageRecord:
        """One imported image (its bytes already stored) and its generation row, in one
        transaction."""
        values = image.model_dump(exclude={"tags", "index"})
        values.update(info.model_dump(exclude={"local_path"}))
        values.update(
            idx=image.index, generation_id=generation.id, status=ImageStatus.STORED.value,
            starred=False, tags_text=" ".join(image.tags),
        )  # fmt: skip
        with self.engine.begin() as conn:
            conn.execute(insert(generations).values(**generation_to_row(generation)))
            conn.execute(insert(images).values(**values))
            if image.tags:
                rows = [{"image_id": image.id, "tag": t} for t in image.tags]
                conn.execute(insert(image_tags), rows)
        return self.get(image.id)

    # -- writes of many images ---------------------------------------------------------------

    def apply(self, names: Sequence[str], change: Change) -> builtins.list[str]:
        """Apply ``change`` to every named image (ids or prefixes) in ONE transaction, the
        names resolved inside it (an unknown id changes nothing); returns the full ids."""
        from ideovault.catalog import bulk

        with self.engine.begin() as conn:
            return bulk.apply(conn, names, change)
