"""Catalog queries for the lifecycle: trash, restore, purge, and the walk that verify makes."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, delete, select, update

from ideovault.catalog.images import ImageRepository
from ideovault.catalog.records import GenerationRecord, ImageRecord, ImageStatus
from ideovault.catalog.schema import generations, image_tags, images


@dataclass(frozen=True)
class Candidate:
    """The few fields a retention policy looks at: light enough for a million rows."""

    id: str
    prompt: str
    created_at: datetime
    size_bytes: int | None
    starred: bool
    status: str
    tags: tuple[str, ...]


class Maintenance:
    """The lifecycle's queries, reached as ``catalog.maintenance``; built from the engine alone."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def set_trashed(self, ids: Sequence[str], when: datetime | None) -> None:
        """Move images to the trash (``when``) or out of it (``None``), all in one transaction."""
        with self.engine.begin() as conn:
            for start in range(0, len(ids), 500):
                chunk = list(ids[start : start + 500])
                conn.execute(update(images).where(images.c.id.in_(chunk)).values(trashed_at=when))

    def trashed(self, *, before: datetime | None = None, limit: int = 10_000) -> list[ImageRecord]:
        """Images in the trash, oldest trashing first; ``before`` keeps those trashed earlier."""
        query = select(images).where(images.c.trashed_at.is_not(None))
        if before is not None:
            query = query.where(images.c.trashed_at < before)
        return ImageRepository(self.engine).fetch(
            query.order_by(images.c.trashed_at, images.c.id).limit(limit)
        )

    def delete_images(self, ids: Sequence[str]) -> None:
        """Delete rows for good (their tags go with them). The caller removes files afterwards.

        Images made from a deleted one lose their ``parent_id`` link (the database would refuse
        otherwise); their generation's recorded request still names the input's id and sha256.
        """
        with self.engine.begin() as conn:
            conn.execute(
                update(images).where(images.c.parent_id.in_(list(ids))).values(parent_id=None)
            )
            conn.execute(delete(image_tags).where(image_tags.c.image_id.in_(list(ids))))
            conn.execute(delete(images).where(images.c.id.in_(list(ids))))

    def referenced_among(self, keys: set[str]) -> set[str]:
        """Which of these blob keys some row (live or trashed) still points at."""
        if not keys:
            return set()
        query = select(images.c.blob_key).where(images.c.blob_key.in_(sorted(keys))).distinct()
        with self.engine.connect() as conn:
            return {str(k) for k in conn.execute(query).scalars()}

    def referenced_keys(self) -> set[str]:
        query = select(images.c.blob_key).where(images.c.blob_key.is_not(None)).distinct()
        with self.engine.connect() as conn:
            return {str(k) for k in conn.execute(query).scalars()}

    def iter_with_blobs(self, page: int = 1_000) -> Iterator[ImageRecord]:
        """Every record that has (or had) a blob, in id order, a page at a time."""
        last = ""
        while True:
            query = (
                select(images)
                .where(images.c.blob_key.is_not(None), images.c.id > last)
                .order_by(images.c.id)
                .limit(page)
            )
            batch = ImageRepository(self.engine).fetch(query)
            if not batch:
                return
            yield from batch
            last = batch[-1].id

    def relink(self, image_id: str, blob_key: str, stored_uri: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(images)
                .where(images.c.id == image_id)
                .values(blob_key=blob_key, stored_uri=stored_uri)
            )

    def mark_lost(self, image_id: str, why: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(images)
                .where(images.c.id == image_id)
                .values(status=ImageStatus.LOST.value, error=why)
            )

    def iter_candidates(self, page: int = 20_000) -> Iterator[Candidate]:
        """Every image not in the trash, newest first, a page at a time."""
        c = images.c
        columns = (c.id, c.prompt, c.created_at, c.size_bytes, c.starred, c.status, c.tags_text)
        last: str | None = None
        while True:
            query = select(*columns).where(c.trashed_at.is_(None))
            if last is not None:
                query = query.where(c.id < last)
            with self.engine.connect() as conn:
                rows = list(conn.execute(query.order_by(c.id.desc()).limit(page)))
            if not rows:
                return
            for r in rows:
                created = r.created_at if r.created_at.tzinfo else r.created_at.replace(tzinfo=UTC)
                tags = tuple(r.tags_text.split()) if r.tags_text else ()
                yield Candidate(r.id, r.prompt, created, r.size_bytes, r.starred, r.status, tags)
            last = rows[-1].id

    def has_images(self) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(select(images.c.id).limit(1)).first() is not None

    def insert_restored(self, generation: GenerationRecord, image: ImageRecord) -> bool:
        """Insert one record exactly as a sidecar kept it; False if the image is already there."""
        from sqlalchemy import insert

        from ideovault.catalog.rows import generation_to_row

        with self.engine.begin() as conn:
            if conn.execute(select(images.c.id).where(images.c.id == image.id)).first():
                return False
            if not conn.execute(
                select(generations.c.id).where(generations.c.id == generation.id)
            ).first():
                conn.execute(insert(generations).values(**generation_to_row(generation)))
            values = image.model_dump(exclude={"tags", "index", "local_path", "public_url"})
            values["idx"] = image.index
            values["tags_text"] = " ".join(image.tags)
            values["descriptions_text"] = " ".join(
                str(d.get("text", "")) for d in image.descriptions or ()
            )
            conn.execute(insert(images).values(**values))
            if image.tags:
                conn.execute(
                    insert(image_tags), [{"image_id": image.id, "tag": t} for t in image.tags]
                )
        return True

    def set_stored_uris(self, uri_for: Callable[[str], str], page: int = 1_000) -> None:
        """Rewrite every record's ``stored_uri`` for a new store, a page per transaction."""
        last = ""
        while True:
            query = (
                select(images.c.id, images.c.blob_key)
                .where(images.c.blob_key.is_not(None), images.c.id > last)
                .order_by(images.c.id)
                .limit(page)
            )
            with self.engine.begin() as conn:
                rows = list(conn.execute(query))
                for image_id, key in rows:
                    conn.execute(
                        update(images)
                        .where(images.c.id == image_id)
                        .values(stored_uri=uri_for(key))
                    )
            if not rows:
                return
            last = rows[-1][0]
