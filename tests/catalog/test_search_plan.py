"""SQLite's look-ahead plans (walk an index and probe FTS5; bound a date range by rowids) must
return exactly what the default plans return, page after page."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from ideovault.catalog import Catalog, search_plan
from tests.catalog.test_search import T0, stored
from tests.catalog.test_store import new_generation, new_image

WORDS = ["fox", "red", "neon", "sign", "whale", "snow", "bar", "kids"]


@pytest.fixture
def catalog(tmp_path: Path) -> Iterator[Catalog]:
    rng = random.Random(3)
    with Catalog.open(f"sqlite:///{tmp_path / 'plan.db'}") as c:
        for i in range(150):
            prompt = " ".join(rng.choices(WORDS, k=4))
            gid = new_generation(c, prompt)
            # Created out of insertion order now and then, as imports do.
            day = i if rng.random() > 0.1 else rng.randint(0, 150)
            image = new_image(
                prompt, model=rng.choice(["V_3", "V_2"]), seed=rng.choice([None, 1, 2, i]),
                created_at=T0 + timedelta(days=day), tags=(), expanded_prompt=None,
            )  # fmt: skip
            (row,) = c.generations.record_response(gid, raw={}, images=[image], answered_at=T0)
            if rng.random() > 0.2:  # the rest stay pending: no size, sorted last
                c.images.mark_stored(row.id, stored(rng.choice([100, 200, 300, 400])))
        yield c


def all_pages(catalog: Catalog, query: str) -> list[str]:
    ids: list[str] = []
    cursor = None
    while True:
        page = catalog.images.search(query, limit=7, cursor=cursor)
        ids += [r.id for r in page.records]
        if page.next_cursor is None:
            return ids
        cursor = page.next_cursor


QUERIES = [
    "fox sort:-size", "fox sort:size", "red neon sort:seed", "fox model:V_2 sort:-seed",
    "whale -snow sort:-size", "fox after:2026-02-01 before:2026-03-15",
    "red model:V_3 after:2026-01-20", "sign before:2026-02-01", "kids after:2030-01-01",
]  # fmt: skip


@pytest.mark.parametrize("query", QUERIES)
def test_look_ahead_plans_return_what_the_default_plans_return(
    catalog: Catalog, query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_plan, "MANY_MATCHES", 10**9)
    monkeypatch.setattr(search_plan, "BOUNDED_RANGE", 0)  # 0 means the default: keep it off
    monkeypatch.setattr(search_plan, "rowid_bounds", lambda *a, **k: None)
    default = all_pages(catalog, query)
    monkeypatch.undo()
    monkeypatch.setattr(search_plan, "MANY_MATCHES", 1)  # walk the index for any word
    monkeypatch.setattr(search_plan, "BOUNDED_RANGE", 10**6)  # always bound date ranges
    assert all_pages(catalog, query) == default
    assert default or query.startswith("kids")
