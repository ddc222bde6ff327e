"""OR, parentheses and prefixes on SQLite (FTS5) and PostgreSQL (tsquery), against the rows of
``test_search``; and the rating:/album:/by: hooks before their data exists."""

from __future__ import annotations

from pathlib import Path

import pytest

from ideovault.catalog import Catalog
from tests.catalog.test_search import catalog, prompts  # noqa: F401  (the fixture)

WHALES = ["whale and fox friends", "a blue whale"]


def test_or_finds_either_word(catalog: Catalog) -> None:  # noqa: F811
    assert prompts(catalog, "whale OR snow") == [*WHALES, "red fox in the snow"]
    assert prompts(catalog, "or") == []  # lower case is a word, as before
    assert prompts(catalog, "fox (snow OR neon)") == [
        "red fox in the snow", "a red fox under a neon sign",
    ]  # fmt: skip
    assert prompts(catalog, '"blue whale" OR "neon sign" OR kids') == [
        "whale and fox friends", "a blue whale", "neon sign for a bar",
        "a red fox under a neon sign",
    ]  # fmt: skip


def test_negated_groups(catalog: Catalog) -> None:  # noqa: F811
    assert prompts(catalog, "fox -(snow OR neon)") == [
        "'; DROP TABLE images; -- fox", "whale and fox friends",
    ]  # fmt: skip
    assert len(prompts(catalog, "-(tag:poster OR model:V_2_TURBO)")) == 4
    assert prompts(catalog, "-(style:design OR fox)") == [
        "<script>alert(1)</script> sign", "a blue whale",
    ]  # fmt: skip
    assert prompts(catalog, "-(fox sign)") == [  # not both
        "'; DROP TABLE images; -- fox", "<script>alert(1)</script> sign", "whale and fox friends",
        "a blue whale", "neon sign for a bar", "red fox in the snow",
    ]  # fmt: skip


def test_groups_mixing_words_and_filters(catalog: Catalog) -> None:  # noqa: F811
    assert prompts(catalog, "whale OR tag:draft") == [*WHALES, "red fox in the snow"]
    assert prompts(catalog, "tag:kids OR tag:bar") == [
        "whale and fox friends", "neon sign for a bar",
    ]  # fmt: skip
    assert prompts(catalog, "(model:V_2 OR seed:4) OR (style:realistic snow)") == [
        "whale and fox friends", "neon sign for a bar", "red fox in the snow",
    ]  # fmt: skip
    assert prompts(catalog, "fox (is:starred OR aspect:1x1) sort:-size") == [
        "red fox in the snow", "whale and fox friends", "a red fox under a neon sign",
        "'; DROP TABLE images; -- fox",
    ]  # fmt: skip
    assert prompts(catalog, "(!! OR whale)") == WHALES  # punctuation alone matches nothing
    assert prompts(catalog, "-(!! OR whale)") == [
        p for p in prompts(catalog, "") if p not in WHALES
    ]


def test_prefixes(catalog: Catalog) -> None:  # noqa: F811
    assert prompts(catalog, "wha*") == WHALES
    assert prompts(catalog, "fri*") == ["whale and fox friends"]
    assert prompts(catalog, "scr* OR bl*") == [
        "<script>alert(1)</script> sign",
        "a blue whale",
        "red fox in the snow",
    ]  # fmt: skip  (bl* finds the negative prompt "blurry" too)
    assert prompts(catalog, "fox -fri*") == [
        "'; DROP TABLE images; -- fox", "red fox in the snow", "a red fox under a neon sign",
    ]  # fmt: skip
    assert prompts(catalog, "(fo* OR zzz) tag:kids") == ["whale and fox friends"]
    assert prompts(catalog, "zzz*") == []


def test_relevance_and_pages_with_groups(catalog: Catalog) -> None:  # noqa: F811
    ranked = prompts(catalog, "(whale OR neon) sort:relevance")
    assert set(ranked) == {*WHALES, "neon sign for a bar", "a red fox under a neon sign"}
    for q in ["fox OR sign", "(fox OR tag:bar) sort:size", "(sig* OR whale) sort:relevance"]:
        expected = [r.id for r in catalog.images.search(q, limit=100).records]
        seen, cursor = [], None
        while True:
            result = catalog.images.search(q, limit=2, cursor=cursor)
            seen += [r.id for r in result.records]
            if (cursor := result.next_cursor) is None:
                break
        assert seen == expected and len(expected) >= 3


@pytest.mark.parametrize(
    "q", ['("; DROP TABLE" OR NEAR(a b) OR *)', "(a* OR ^*) -(NOT* OR {x})", "(\\ OR '' OR %_*)"]
)
def test_fts_syntax_inside_groups_is_text(catalog: Catalog, q: str) -> None:  # noqa: F811
    assert isinstance(catalog.images.search(q).records, list)
    assert len(prompts(catalog, "")) == 7


def test_rating_album_and_by_filters_run_on_a_fresh_catalog(catalog: Catalog) -> None:  # noqa: F811
    """Nothing is rated, in an album or made by a person here: unrated counts as 0 stars."""
    assert prompts(catalog, "rating:>=4") == [] and len(prompts(catalog, "rating:<1")) == 7
    assert prompts(catalog, "fox album:clients") == [] and prompts(catalog, "by:alice") == []
    assert prompts(catalog, "fox OR rating:3") == prompts(catalog, "fox") != []


def test_postgres_pages_newest_first_by_creation_time(postgres_url: str) -> None:
    """PostgreSQL orders by (created_at, id): an image created earlier than its id says (as
    imports are) sits by its date, and equal dates page without loss or repeat."""
    from datetime import timedelta

    from tests.catalog.test_search import T0
    from tests.catalog.test_store import new_generation, new_image

    with Catalog.open(postgres_url) as c:
        days = [0, 5, 5, 5, 2, 9, 1]  # inserted in this order; ids grow with insertion
        for i, day in enumerate(days):
            gid = new_generation(c, f"fox {i}")
            image = new_image(f"fox {i}", created_at=T0 + timedelta(days=day), tags=())
            c.generations.record_response(gid, raw={}, images=[image], answered_at=T0)
        newest = [r.prompt for r in c.images.search("fox", limit=10).records]
        assert newest[0] == "fox 5" and newest[-2:] == ["fox 6", "fox 0"]
        assert [r.prompt for r in c.images.search("sort:created", limit=10).records] == newest[::-1]
        for q in ["fox", "sort:created", "fox after:2026-01-12 before:2026-01-20"]:
            expected = [r.id for r in c.images.search(q, limit=10).records]
            seen, cursor = [], None
            while True:
                result = c.images.search(q, limit=1, cursor=cursor)
                seen += [r.id for r in result.records]
                if (cursor := result.next_cursor) is None:
                    break
            assert seen == expected


def test_a_search_does_not_wait_for_a_writer(tmp_path: Path) -> None:
    """Searches take no write lock on SQLite: one runs while another connection is inside a
    write transaction (before, it queued behind it, and so did every concurrent search)."""
    from sqlalchemy import text

    with Catalog.open(f"sqlite:///{tmp_path}/busy.db") as c, c.engine.begin() as writer:
        writer.execute(text("UPDATE images SET starred = starred"))  # holds the write lock
        assert c.images.search("fox").records == []
