"""The generations of the catalog, reached as ``catalog.generations``: one row per request
to the API, from "requested" to answered (or failed), with its request, answer and cost.

The write that matters most is :meth:`GenerationRepository.record_response`, which stores the
API's answer and every image row at once, so a crash can never leave an answered generation
with some of its images missing.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, insert, select, update

from ideovault.catalog import schema
from ideovault.catalog.images import ImageRepository
from ideovault.catalog.records import (
    GenerationRecord,
    GenerationStatus,
    ImageRecord,
    ImageStatus,
    NewImage,
)
from ideovault.catalog.rows import generation_from_row, resolve_id
from ideovault.catalog.schema import generations, image_tags


class GenerationRepository:
    """Generation rows; built from the engine alone (cheap, holds no state)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(
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
        return self.get(id)

    def record_response(
        self,
        generation_id: str,
        *,
        raw: dict[str, Any],
        images: Sequence[NewImage],
        answered_at: datetime,
        cost_usd: float | None = None,
    ) -> builtins.list[ImageRecord]:
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
        return ImageRepository(self.engine).of_generation(generation_id)

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
        return self.get(generation_id)

    def submission(self, generation_id: str) -> dict[str, Any]:
        """What :meth:`note_submitted` kept (empty for a generation that was never async)."""
        with self.engine.connect() as conn:
            value = conn.execute(
                select(generations.c.response).where(generations.c.id == generation_id)
            ).scalar_one_or_none()
        return value if isinstance(value, dict) else {}

    def fail(self, generation_id: str, *, status: GenerationStatus, error: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(generations)
                .where(generations.c.id == generation_id)
                .values(status=status.value, error=error)
            )

    def get(self, id_or_prefix: str) -> GenerationRecord:
        with self.engine.connect() as conn:
            gid = resolve_id(conn, generations, id_or_prefix, "generation")
            row = conn.execute(select(generations).where(generations.c.id == gid)).mappings().one()
        return generation_from_row(row)

    def list(self, *, limit: int = 50) -> builtins.list[GenerationRecord]:
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

    def unanswered(self) -> builtins.list[GenerationRecord]:
        query = (
            select(generations)
            .where(generations.c.status == GenerationStatus.REQUESTED.value)
            .order_by(generations.c.id)
        )
        with self.engine.connect() as conn:
            return [generation_from_row(r) for r in conn.execute(query).mappings()]
