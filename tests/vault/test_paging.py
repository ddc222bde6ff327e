"""Self-paging results: iterating a page of ``images.search`` or ``images.list`` walks every
result once, in order, across page boundaries (a partial last page, an exact multiple of the
page size, nothing at all), fetching each following page only when it is reached."""

from __future__ import annotations

import pytest

from ideovault.catalog.records import ImageRecord
from ideovault.vault import ImagePage, Vault


@pytest.fixture
def six(vault: Vault) -> list[str]:
    """Six images, tagged ``even``/``odd`` alternately in the order search answers them."""
    vault.generations.generate("paging study", num_images=4, seed=1)
    vault.generations.generate("paging study", num_images=2, seed=2)
    ids = [r.id for r in vault.images.search("", limit=100).records]
    vault.images.tag(ids[::2], add=["even"])
    vault.images.tag(ids[1::2], add=["odd"])
    return ids


@pytest.mark.parametrize("size", [3, 4, 6, 7])
def test_search_walks_every_result_once_in_order(vault: Vault, six: list[str], size: int) -> None:
    first = vault.images.search("", limit=size)
    assert len(first.records) == min(size, 6)
    assert [r.id for r in first] == six
    pages = list(first.pages())
    assert [r.id for p in pages for r in p.records] == six
    assert all(len(p.records) == size for p in pages[:-1]) and pages[-1].next_cursor is None


@pytest.mark.parametrize("size", [3, 4, 6, 7])
def test_list_walks_every_record_once_in_order(vault: Vault, six: list[str], size: int) -> None:
    newest_first = [r.id for r in vault.images.list(100).records]
    assert sorted(newest_first) == sorted(six)
    first = vault.images.list(size)
    assert [r.id for r in first] == newest_first
    pages = list(first.pages())
    assert [r.id for p in pages for r in p.records] == newest_first
    # a full page names its last id as the cursor (the next page's before_id)
    assert all(p.next_cursor == p.records[-1].id for p in pages if len(p.records) == size)
    assert pages[-1].next_cursor is None


def test_a_query_pages_like_the_whole_vault(vault: Vault, six: list[str]) -> None:
    assert [r.id for r in vault.images.search("tag:even", limit=2)] == six[::2]
    assert [r.id for r in vault.images.search("tag:odd", limit=3)] == six[1::2]  # exact multiple


def test_explicit_pages_still_work(vault: Vault, six: list[str]) -> None:
    page = vault.images.search("", limit=4)
    assert [r.id for r in page.records] == six[:4] and page.next_cursor
    again = vault.images.search("", limit=4, cursor=page.next_cursor)
    following = page.next_page()
    assert following is not None
    assert [r.id for r in following.records] == [r.id for r in again.records] == six[4:]
    assert following.next_cursor is None and following.next_page() is None
    listed = vault.images.list(4)
    rest = vault.images.list(4, before_id=listed.next_cursor)
    assert [r.id for r in [*listed.records, *rest.records]] == [r.id for r in listed]


def test_nothing_found_is_one_empty_page(vault: Vault) -> None:
    assert list(vault.images.search("", limit=3)) == []
    assert list(vault.images.list(3)) == []
    vault.generations.generate("lonely", seed=3)
    empty = vault.images.search("tag:nothing-here", limit=3)
    assert empty.records == [] and empty.next_cursor is None
    assert list(empty) == [] and [p.records for p in empty.pages()] == [[]]
    assert empty.next_page() is None


def test_pages_are_fetched_only_when_reached() -> None:
    calls: list[str] = []

    def fetch(cursor: str) -> ImagePage:
        calls.append(cursor)
        number = int(cursor)
        return ImagePage([], str(number + 1) if number < 3 else None, fetch)

    page = ImagePage([], "1", fetch)
    walk = iter(page.pages())
    assert next(walk) is page and calls == []
    next(walk)
    assert calls == ["1"]
    assert [p.next_cursor for p in walk] == ["3", None] and calls == ["1", "2", "3"]
    assert list(ImagePage([], "9")) == []  # a cursor but no way to fetch: this page only


def test_iterating_twice_fetches_again_and_answers_the_same(vault: Vault, six: list[str]) -> None:
    page = vault.images.search("", limit=4)
    first: list[ImageRecord] = list(page)
    assert [r.id for r in first] == [r.id for r in page] == six
