"""The catalog: every generation and image, in SQLite or PostgreSQL, through SQLAlchemy Core.

Writes happen in explicit transactions; the one that matters most is :meth:`record_response`,
which stores the API's answer and every image row at once, so a crash can never leave an
answered generation with some of its images missing.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, and_, delete, func, insert, select, update
from sqlalchemy.sql import Select

from ideovault.catalog import engine as engines
from ideovault.catalog import schema, search, search_pages
from ideovault.catalog.query import Query
from ideovault.catalog.query import parse as parse_query
from ideovault.catalog.records import (
    GenerationRecord,
    GenerationStatus,
    ImageRecord,
    ImageStatus,
    NewImage,
    StoredInfo,
)
from ideovault.catalog.rows import generation_from_row, image_from_row
from ideovault.catalog.schema import generations, image_tags, images
from ideovault.catalog.search import SearchPage
from ideovault.errors import AmbiguousId, NotFound
from ideovault.ids import normalize_prefix

if TYPE_CHECKING:
    from ideovault.catalog.batches import BatchStore


class Catalog:
    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url

    @classmethod
    def open(cls, url: str) -> Catalog:
        engine = engines.create(url)
        engines.migrate(engine)
        return cls(engine, url)

    @functools.cached_property
    def batches(self) -> BatchStore:
        """Batch jobs and the claim/lease protocol of their items (``catalog/batches.py``)."""
        from ideovault.catalog.batches import BatchStore

        return BatchStore(self.engine)

    @property
    def url_for_display(self) -> str:
        return engines.display_url(self.url)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- generations -------------------------------------------------------------------------

    def create_generation(
        self,
        *,
        id: str,
        endpoint: str,
        operation: str,
        model: str,
        request: dict[str, Any],
        fingerprint: str,
        owner: str | None,
        created_at: datetime,
        cost_usd: float | None = None,
    ) -> GenerationRecord:
        values = {
            "id": id,
            "endpoint": endpoint,
            "operation": operation,
            "model": model,
            "request": request,
            "fingerprint": fingerprint,
            "status": GenerationStatus.REQUESTED.value,
            "owner": owner,
            "num_images": 0,
            "created_at": created_at,
            "cost_usd": cost_usd,
        }
        with self.engine.begin() as conn:
            conn.execute(insert(generations).values(values))
        return self.get_generation(id)

    def record_response(
        self,
        generation_id: str,
        *,
        raw: dict[str, Any],
        images: Sequence[NewImage],
        answered_at: datetime,
        cost_usd: float | None = None,
    ) -> list[ImageRecord]:
        """The API answered: store the answer and one row per image, in ONE transaction.

        Only once: if the generation was already answered (two processes collected the same
        async generation), nothing is written and the rows already there are returned.
        """
        rows, tag_rows = [], []
        for image in images:
            data = image.model_dump(exclude={"tags", "index"})
            data["idx"] = image.index
            data["generation_id"] = generation_id
            data["tags_text"] = " ".join(image.tags)
            pending = image.is_safe and image.original_url
            data["status"] = (ImageStatus.PENDING if pending else ImageStatus.UNSAFE).value
            data["starred"] = False
            rows.append(data)
            tag_rows += [{"image_id": image.id, "tag": t} for t in image.tags]
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(generations)
                .where(
                    generations.c.id == generation_id,
                    generations.c.status == GenerationStatus.REQUESTED.value,
                )
                .values(
                    status=GenerationStatus.ANSWERED.value,
                    answered_at=answered_at,
                    response=raw,
                    num_images=len(images),
                    **({"cost_usd": cost_usd} if cost_usd is not None else {}),
                )
            )
            if changed.rowcount == 0:
                rows, tag_rows = [], []  # answered already: keep the first answer's rows
            if rows:
                conn.execute(insert(schema.images), rows)
            if tag_rows:
                conn.execute(insert(image_tags), tag_rows)
        return self.images_of_generation(generation_id)

    def note_submitted(
        self, generation_id: str, remote_id: str, tags: Sequence[str] = ()
    ) -> GenerationRecord:
        """An async generation was accepted: keep the API's id and the tags its images get (in
        ``response``, otherwise empty until the answer) so it can be collected after a crash."""
        note = {"generation_id": remote_id, "status": "pending", "tags": list(tags)}
        with self.engine.begin() as conn:
            conn.execute(
                update(generations).where(generations.c.id == generation_id).values(response=note)
            )
        return self.get_generation(generation_id)

    def submission(self, generation_id: str) -> dict[str, Any]:
        """What :meth:`note_submitted` kept (empty for a generation that was never async)."""
        with self.engine.connect() as conn:
            value = conn.execute(
                select(generations.c.response).where(generations.c.id == generation_id)
            ).scalar_one_or_none()
        return value if isinstance(value, dict) else {}

    def fail_generation(self, generation_id: str, *, status: GenerationStatus, error: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(generations)
                .where(generations.c.id == generation_id)
                .values(status=status.value, error=error)
            )

    def get_generation(self, id_or_prefix: str) -> GenerationRecord:
        with self.engine.connect() as conn:
            gid = self._resolve(conn, generations, id_or_prefix, "generation")
            row = conn.execute(select(generations).where(generations.c.id == gid)).mappings().one()
        return generation_from_row(row)

    def list_generations(self, *, limit: int = 50) -> list[GenerationRecord]:
        query = select(generations).order_by(generations.c.id.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [generation_from_row(r) for r in conn.execute(query).mappings()]

    def answered_with_fingerprint(self, fingerprint: str) -> GenerationRecord | None:
        """The newest answered generation of an identical request, if any."""
        query = (
            select(generations)
            .where(
                generations.c.fingerprint == fingerprint,
                generations.c.status == GenerationStatus.ANSWERED.value,
            )
            .order_by(generations.c.id.desc())
            .limit(1)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        return generation_from_row(row) if row else None

    def spent_since(self, since: datetime) -> float:
        """Estimated dollars of generations that ran, or may have run, since ``since``."""
        query = select(func.coalesce(func.sum(generations.c.cost_usd), 0.0)).where(
            generations.c.created_at >= since,
            generations.c.status.in_(
                [GenerationStatus.ANSWERED.value, GenerationStatus.UNKNOWN.value,
                 GenerationStatus.REQUESTED.value]
            ),
        )  # fmt: skip
        with self.engine.connect() as conn:
            return float(conn.execute(query).scalar_one())

    def unanswered_generations(self) -> list[GenerationRecord]:
        query = (
            select(generations)
            .where(generations.c.status == GenerationStatus.REQUESTED.value)
            .order_by(generations.c.id)
        )
        with self.engine.connect() as conn:
            return [generation_from_row(r) for r in conn.execute(query).mappings()]

    # -- images ------------------------------------------------------------------------------

    def mark_stored(self, image_id: str, info: StoredInfo) -> ImageRecord:
        values = info.model_dump(exclude={"local_path"})
        with self.engine.begin() as conn:
            conn.execute(
                update(images)
                .where(images.c.id == image_id)
                .values(**values, status=ImageStatus.STORED.value, error=None)
            )
        return self.get_image(image_id)

    def mark_image(self, image_id: str, status: ImageStatus, error: str | None) -> ImageRecord:
        with self.engine.begin() as conn:
            conn.execute(
                update(images)
                .where(images.c.id == image_id)
                .values(status=status.value, error=error)
            )
        return self.get_image(image_id)

    def get_image(self, id_or_prefix: str) -> ImageRecord:
        with self.engine.connect() as conn:
            image_id = self._resolve(conn, images, id_or_prefix, "image")
            row = conn.execute(select(images).where(images.c.id == image_id)).mappings().one()
            tags = self._tags(conn, [image_id])
        return image_from_row(row, tags.get(image_id, ()))

    def images_of_generation(self, generation_id: str) -> list[ImageRecord]:
        query = select(images).where(images.c.generation_id == generation_id).order_by(images.c.idx)
        return self.fetch_images(query)

    def list_images(
        self,
        *,
        limit: int = 50,
        before_id: str | None = None,
        statuses: Sequence[ImageStatus] | None = None,
        include_trashed: bool = False,
    ) -> list[ImageRecord]:
        """Newest first (ids are UUIDv7, so id order is creation order); keyset pagination."""
        query = select(images).order_by(images.c.id.desc()).limit(limit)
        if before_id:
            query = query.where(images.c.id < before_id)
        if statuses:
            query = query.where(images.c.status.in_([s.value for s in statuses]))
        if not include_trashed:
            query = query.where(images.c.trashed_at.is_(None))
        return self.fetch_images(query)

    def pending_images(self) -> list[tuple[ImageRecord, GenerationRecord]]:
        query = (
            select(images).where(images.c.status == ImageStatus.PENDING.value).order_by(images.c.id)
        )
        pending = self.fetch_images(query)
        gens = {g: self.get_generation(g) for g in {r.generation_id for r in pending}}
        return [(r, gens[r.generation_id]) for r in pending]

    def status_counts(self) -> dict[str, int]:
        query = select(images.c.status, func.count()).group_by(images.c.status)
        with self.engine.connect() as conn:
            return {status: count for status, count in conn.execute(query)}

    # -- search ------------------------------------------------------------------------------

    def search(
        self, query: Query | str, *, limit: int = 50, cursor: str | None = None
    ) -> SearchPage:
        """One page of results for the search language (see ``catalog/query.py``)."""
        parsed = parse_query(query) if isinstance(query, str) else query
        with self.engine.connect().execution_options(read_only=True) as conn:
            parent_id = (
                self._resolve(conn, images, parsed.parent, "image") if parsed.parent else None
            )
            stmt, sort, key = search.build(
                parsed, self.dialect, limit=limit, cursor=cursor, parent_id=parent_id, conn=conn
            )
            offset = 0
            if key == "relevance" and cursor:
                offset = int(search_pages.decode_cursor(cursor, sort)["o"])
            rows = search.fetch(conn, stmt)
            tags = self._tags(conn, [r["id"] for r in rows[:limit]])
        return search_pages.page(rows, sort, key, limit, offset, tags)

    # -- tags and stars ----------------------------------------------------------------------

    def set_tags(self, image_id: str, add: Iterable[str], remove: Iterable[str]) -> ImageRecord:
        record = self.get_image(image_id)
        to_add = [t for t in dict.fromkeys(add) if t not in record.tags]
        to_remove = list(dict.fromkeys(remove))
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
        return self.get_image(record.id)

    def set_starred(self, image_id: str, starred: bool) -> ImageRecord:
        record = self.get_image(image_id)
        with self.engine.begin() as conn:
            conn.execute(update(images).where(images.c.id == record.id).values(starred=starred))
        return self.get_image(record.id)

    # -- helpers -----------------------------------------------------------------------------

    def fetch_images(self, query: Select[Any]) -> list[ImageRecord]:
        with self.engine.connect() as conn:
            rows = list(conn.execute(query).mappings())
            tags = self._tags(conn, [r["id"] for r in rows])
        return [image_from_row(r, tags.get(r["id"], ())) for r in rows]

    @staticmethod
    def _tags(conn: Connection, ids: list[str]) -> dict[str, tuple[str, ...]]:
        if not ids:
            return {}
        found: dict[str, list[str]] = defaultdict(list)
        for start in range(0, len(ids), 500):  # stay under bound-parameter limits
            chunk = ids[start : start + 500]
            query = (
                select(image_tags.c.image_id, image_tags.c.tag)
                .where(image_tags.c.image_id.in_(chunk))
                .order_by(image_tags.c.image_id, image_tags.c.tag)
            )
            for image_id, tag in conn.execute(query):
                found[image_id].append(tag)
        return {k: tuple(v) for k, v in found.items()}

    @staticmethod
    def _resolve(conn: Connection, table: Any, text: str, what: str) -> str:
        """An exact id or a unique prefix, looked up by a range scan of the primary key."""
        prefix = normalize_prefix(text)
        if prefix is None:
            raise NotFound(f"no {what} with id {text[:60]!r} (ids are hexadecimal, like 0193a5c2)")
        upper = prefix + "\uffff"
        query = (
            select(table.c.id)
            .where(table.c.id >= prefix, table.c.id < upper)
            .order_by(table.c.id)
            .limit(6)
        )
        found = list(conn.execute(query).scalars())
        if prefix in found:
            return prefix
        if not found:
            raise NotFound(f"no {what} with id {text[:60]!r}; `ideovault list` shows ids")
        if len(found) > 1:
            shown = ", ".join(f[:13] for f in found[:5])
            raise AmbiguousId(f"id prefix {text!r} matches several {what}s ({shown}…): type more")
        return str(found[0])
