"""Relevance when several words are very common (SQLite): scored from FTS5's own column hits
and each word's IDF, in the same language and with the same filters, exclusions and pages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ideovault.catalog import Catalog, ranking, search_plan
from tests.catalog.test_store import new_generation, new_image

# (prompt, negative prompt, tags, model)
ROWS = [
    ("red fox in the snow", None, (), "V_3"),  # both words in the prompt
    ("a fox", "red", (), "V_3"),  # red only as a negative prompt
    ("a red kite", None, ("fox",), "V_3"),  # fox only as a tag
    ("red fox at night", None, (), "V_2"),  # both in the prompt, another model
    ("blue whale", None, (), "V_3"),  # neither
    ("red fox, red fox", None, ("draft",), "V_3"),  # both in the prompt, tagged draft
]


@pytest.fixture
def catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Catalog]:
    monkeypatch.setattr(search_plan, "MANY_MATCHES", 1)  # every word counts as very common
    with Catalog.open(f"sqlite:///{tmp_path / 'rank.db'}") as c:
        for prompt, negative, tags, model in ROWS:
            image = new_image(prompt, negative_prompt=negative, tags=tags, model=model,
                              expanded_prompt=None)  # fmt: skip
            c.generations.record_response(
                new_generation(c, prompt), raw={}, images=[image], answered_at=image.created_at
            )
        yield c


def prompts(catalog: Catalog, query: str, **kw: object) -> list[str]:
    return [r.prompt for r in catalog.images.search(query, **kw).records]  # type: ignore[arg-type]


def test_words_in_the_prompt_rank_above_words_elsewhere(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    used: list[ranking.CommonWordsPlan] = []
    real = ranking.run
    monkeypatch.setattr(ranking, "run", lambda conn, plan: used.append(plan) or real(conn, plan))
    got = prompts(catalog, "red fox sort:relevance")
    assert used, "the common-words plan was not chosen"
    # Both words in the prompt first (newest first among equals), then tag hits (0.8) before
    # negative-prompt hits (0.2).
    assert got == ["red fox, red fox", "red fox at night", "red fox in the snow", "a red kite",
                   "a fox"]  # fmt: skip


def test_filters_exclusions_and_pages_still_apply(catalog: Catalog) -> None:
    assert prompts(catalog, "red fox model:V_2 sort:relevance") == ["red fox at night"]
    assert "red fox, red fox" not in prompts(catalog, "red fox -draft sort:relevance")
    first = catalog.images.search("red fox sort:relevance", limit=2)
    assert first.next_cursor is not None
    second = catalog.images.search("red fox sort:relevance", limit=2, cursor=first.next_cursor)
    third = catalog.images.search("red fox sort:relevance", limit=2, cursor=second.next_cursor)
    seen = [r.prompt for page in (first, second, third) for r in page.records]
    assert seen == prompts(catalog, "red fox sort:relevance")


def test_one_common_word_keeps_bm25(catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ranking, "run", lambda *_a: pytest.fail("bm25 should rank one word"))
    assert prompts(catalog, "whale sort:relevance") == ["blue whale"]
