"""The report's running totals always equal a recount of the rows (issue 16, item 1).

A Hypothesis state machine makes random writes through the catalog's real write paths —
generations answered, images stored / failed / expired, tags changed, starred, trashed,
restored, purged, deleted by the cascade, imported — and after every step compares the
triggers' totals with ``report --exact``'s recount, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from sqlalchemy import text

from ideovault.catalog import Catalog, aggregates, bulk
from ideovault.catalog.records import (
    GenerationRecord,
    GenerationStatus,
    ImageStatus,
    NewImage,
    StoredInfo,
)
from ideovault.ids import new_id

START = datetime(2025, 11, 20, tzinfo=UTC)
MODELS = st.sampled_from(["V_3", "V_2", "V_2_TURBO"])
SPEEDS = st.sampled_from([None, "TURBO", "QUALITY"])
STYLES = st.sampled_from([None, "DESIGN", "GENERAL"])
ASPECTS = st.sampled_from([None, "1x1", "16x9"])
TAGS = st.lists(st.sampled_from(["poster", "draft", "client", "été"]), max_size=3, unique=True)
DAYS = st.integers(0, 90)  # spans three or four months
CREATORS = st.sampled_from([None, "ada", "ed"])  # who made an image (0013); None: from before


def image(model: str, speed: str | None, style: str | None, aspect: str | None,
          tags: list[str], day: int, index: int = 0,
          creator: str | None = None) -> NewImage:  # fmt: skip
    return NewImage(
        id=new_id(), index=index, prompt="a fox", expanded_prompt=None, negative_prompt=None,
        model=model, style_type=style, aspect_ratio=aspect, rendering_speed=speed,
        magic_prompt=None, seed=1, resolution=None, is_safe=True,
        original_url="https://example.invalid/x.png", url_expires_at=None, tags=tuple(tags),
        created_at=START + timedelta(days=day), creator=creator,
    )  # fmt: skip


def stored(size: int) -> StoredInfo:
    return StoredInfo(
        sha256=new_id().replace("-", "").ljust(64, "0"), size_bytes=size, width=1, height=1,
        mime="image/png", blob_key="k", stored_uri="file:///k", local_path=None,
        stored_at=START,
    )  # fmt: skip


def agree(catalog: Catalog) -> None:
    assert sorted(catalog.report.totals()) == sorted(catalog.report.recount())


class Writes(RuleBasedStateMachine):
    url = ""

    def __init__(self) -> None:
        super().__init__()
        self.catalog = Catalog.open(self.url)
        with self.catalog.engine.begin() as conn:
            for table in ("image_embeddings", "image_tags", "images", "generations"):
                conn.execute(text(f"DELETE FROM {table}"))
        self.ids: list[str] = []

    def teardown(self) -> None:
        self.catalog.close()

    def _generation(self, model: str) -> str:
        gid = new_id()
        self.catalog.generations.create(
            id=gid, endpoint="/v1/ideogram-v3/generate", operation="generate", model=model,
            request={}, fingerprint="f" * 64, owner=None, created_at=START,
        )  # fmt: skip
        return gid

    @rule(model=MODELS, speed=SPEEDS, style=STYLES, aspect=ASPECTS, tags=TAGS, day=DAYS,
          count=st.integers(1, 3), creator=CREATORS)  # fmt: skip
    def answer(self, model: str, speed: str | None, style: str | None, aspect: str | None,
               tags: list[str], day: int, count: int, creator: str | None) -> None:  # fmt: skip
        news = [image(model, speed, style, aspect, tags, day, i, creator) for i in range(count)]
        self.catalog.generations.record_response(
            self._generation(model), raw={}, images=news, answered_at=START
        )
        self.ids += [n.id for n in news]

    @rule(model=MODELS, speed=SPEEDS, tags=TAGS, day=DAYS, size=st.integers(1, 10**9),
          creator=CREATORS)  # fmt: skip
    def import_one(self, model: str, speed: str | None, tags: list[str], day: int,
                   size: int, creator: str | None) -> None:  # fmt: skip
        new = image(model, speed, "DESIGN", "1x1", tags, day, creator=creator)
        generation = GenerationRecord(
            id=new_id(), endpoint="import", operation="import", model=model, request={},
            fingerprint="0" * 64, status=GenerationStatus.ANSWERED, num_images=1,
            created_at=new.created_at,
        )  # fmt: skip
        self.catalog.images.add_imported(generation, new, stored(size))
        self.ids.append(new.id)

    @precondition(lambda self: self.ids)
    @rule(data=st.data(), size=st.integers(0, 10**10))
    def store(self, data: st.DataObject, size: int) -> None:
        self.catalog.images.mark_stored(data.draw(st.sampled_from(self.ids)), stored(size))

    @precondition(lambda self: self.ids)
    @rule(data=st.data(), status=st.sampled_from([ImageStatus.FAILED, ImageStatus.EXPIRED]))
    def fail(self, data: st.DataObject, status: ImageStatus) -> None:
        self.catalog.images.mark(data.draw(st.sampled_from(self.ids)), status, "gone")

    @precondition(lambda self: self.ids)
    @rule(data=st.data(), add=TAGS, remove=TAGS)
    def retag(self, data: st.DataObject, add: list[str], remove: list[str]) -> None:
        self.catalog.images.set_tags(data.draw(st.sampled_from(self.ids)), add, remove)

    @precondition(lambda self: self.ids)
    @rule(data=st.data(), starred=st.booleans())
    def star(self, data: st.DataObject, starred: bool) -> None:
        self.catalog.images.set_starred(data.draw(st.sampled_from(self.ids)), starred)

    @precondition(lambda self: self.ids)
    @rule(data=st.data(), rating=st.integers(0, 5))
    def rate(self, data: st.DataObject, rating: int) -> None:
        picked = data.draw(st.lists(st.sampled_from(self.ids), min_size=1, max_size=4))
        self.catalog.images.apply(picked, bulk.Change("rate", rating=rating))

    @precondition(lambda self: self.ids)
    @rule(data=st.data(), creator=CREATORS)
    def reassign(self, data: st.DataObject, creator: str | None) -> None:
        """The creator column moves an image between people (the update trigger watches it)."""
        victim = data.draw(st.sampled_from(self.ids))
        with self.catalog.engine.begin() as conn:
            conn.execute(
                text("UPDATE images SET creator = :c WHERE id = :id"), {"c": creator, "id": victim}
            )

    @precondition(lambda self: self.ids)
    @rule(data=st.data(), trash=st.booleans())
    def trash_or_restore(self, data: st.DataObject, trash: bool) -> None:
        picked = data.draw(st.lists(st.sampled_from(self.ids), min_size=1, max_size=4))
        self.catalog.maintenance.set_trashed(picked, START if trash else None)

    @precondition(lambda self: self.ids)
    @rule(data=st.data())
    def purge(self, data: st.DataObject) -> None:
        picked = data.draw(st.lists(st.sampled_from(self.ids), min_size=1, max_size=3))
        self.catalog.maintenance.delete_images(picked)
        self.ids = [i for i in self.ids if i not in picked]

    @precondition(lambda self: self.ids)
    @rule(data=st.data())
    def delete_with_cascade(self, data: st.DataObject) -> None:
        """A plain DELETE of an image: the database removes its tags itself."""
        victim = data.draw(st.sampled_from(self.ids))
        with self.catalog.engine.begin() as conn:
            conn.execute(text("DELETE FROM images WHERE id = :id"), {"id": victim})
        self.ids.remove(victim)

    @invariant()
    def totals_equal_a_recount(self) -> None:
        agree(self.catalog)


Writes.TestCase.settings = settings(
    max_examples=12, stateful_step_count=20, deadline=None, suppress_health_check=list(HealthCheck)
)


@pytest.mark.slow
def test_totals_follow_every_write(catalog_url: str) -> None:
    Writes.url = catalog_url
    Writes.TestCase().runTest()


def test_the_migration_counts_what_was_there_and_report_exact_agrees(catalog_url: str) -> None:
    """Rows written with the triggers gone (a catalog from before 0009) are counted by
    install(), which the migration runs; afterwards the report reads the same either way."""
    catalog = Catalog.open(catalog_url)
    try:
        with catalog.engine.begin() as conn:
            aggregates.uninstall(conn)
        gid = new_id()
        catalog.generations.create(
            id=gid, endpoint="/v1/ideogram-v3/generate", operation="generate", model="V_3",
            request={}, fingerprint="f" * 64, owner=None, created_at=START,
        )  # fmt: skip
        news = [image("V_3", "TURBO", None, "1x1", ["poster"], d, d, "ed") for d in (0, 40)]
        catalog.generations.record_response(gid, raw={}, images=news, answered_at=START)
        catalog.images.mark_stored(news[0].id, stored(1234))
        assert catalog.report.totals() == []  # nothing counted without triggers
        with catalog.engine.begin() as conn:
            aggregates.install(conn)
        agree(catalog)
        by = {(d, k): n for d, k, _, _, n, _ in catalog.report.totals()}
        assert by[("model", "V_3")] == 2 and by[("tag", "poster")] == 2
        assert by[("status", "stored")] == 1 and by[("status", "pending")] == 1
        assert by[("month", "2025-11")] == 1 and by[("month", "2025-12")] == 1
        assert by[("style", "")] == 2 and by[("person", "ed")] == 2
    finally:
        catalog.close()
