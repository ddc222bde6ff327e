"""The inverted lists of the vector index on PostgreSQL (catalog/vector_lists.py): trained by
``backfill`` once a model is big enough, kept on every write, scanned a few at a time by a
search that still finds what the exact scan finds; SQLite untouched.

Clustered random unit vectors stand in for prompt embeddings, so that a query has near
neighbours in one list, as bench/vector.py's do.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from sqlalchemy import select, text, update

from ideovault.catalog import Catalog, vector_index, vector_lists, vector_math, vector_sqlite
from ideovault.catalog.schema import vector_codes
from tests.catalog.test_creator_migration import _alembic
from tests.catalog.test_store import NOW
from tests.catalog.test_vector_index import MODEL, exact, same, search, stored, unit

postgres = pytest.mark.postgres


def clustered(rng: np.random.Generator, centres: np.ndarray, n: int) -> np.ndarray:
    """``n`` unit vectors, each a random centre plus a little noise."""
    picked = centres[rng.integers(0, len(centres), n)]
    vectors = (picked + 0.5 * unit(rng, n) / 1.0).astype(np.float32)
    result: np.ndarray = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return result


@pytest.fixture
def pg(postgres_url: str) -> Iterator[Catalog]:
    with Catalog.open(postgres_url) as c:
        yield c


def tags(catalog: Catalog) -> dict[str, int | None]:
    with catalog.engine.connect() as conn:
        rows = conn.execute(select(vector_codes.c.image_id, vector_codes.c.list_no)).all()
    return {str(i): n for i, n in rows}


def current(catalog: Catalog) -> vector_lists.Lists:
    with catalog.engine.connect() as conn:
        lists = vector_lists.current(conn, MODEL)
    assert lists is not None
    return lists


@postgres
def test_training_tags_every_code_with_its_nearest_list(pg: Catalog) -> None:
    rng = np.random.default_rng(1)
    vectors = clustered(rng, unit(rng, 20), 600)
    ids = stored(pg, vectors)
    assert set(tags(pg).values()) == {None}  # no lists yet: the full scan
    assert pg.vectors.train(MODEL, lists=16) == 16
    lists = current(pg)
    assert lists.first == 0 and lists.centroids.shape == (16, 384)
    assert lists.trained_rows == 600
    assert np.linalg.norm(lists.centroids, axis=1) == pytest.approx(np.ones(16), abs=1e-5)
    found = tags(pg)
    assert [found[i] for i in ids] == lists.numbers(vectors)
    with pg.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM vector_lists")).scalar_one() == 16


@postgres
def test_new_embeddings_get_their_list_in_the_same_transaction(pg: Catalog) -> None:
    rng = np.random.default_rng(2)
    centres = unit(rng, 10)
    stored(pg, clustered(rng, centres, 300))
    pg.vectors.train(MODEL, lists=16)
    later = clustered(rng, centres, 40)
    later_ids = stored(pg, later)
    found = tags(pg)
    assert [found[i] for i in later_ids] == current(pg).numbers(later)
    pg.embeddings.save(MODEL, [(later_ids[0], later[1].tobytes())])  # saved again: retagged
    assert tags(pg)[later_ids[0]] == current(pg).numbers(later[1:2])[0]


@postgres
def test_search_scans_few_lists_and_finds_the_exact_top(
    pg: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With 3 lists of 24 probed (about 150 of 1,200 codes, fewer than the 200 candidates, so
    only the lists choose), the answers are still the exact scan's: a query's neighbours share
    its nearest lists."""
    monkeypatch.setattr(vector_math, "MIN_CANDIDATES", 200)
    monkeypatch.setattr(vector_lists, "NPROBE", 3)
    monkeypatch.setattr(vector_lists, "PROBE_ROWS", 0)
    rng = np.random.default_rng(3)
    centres = unit(rng, 24)
    stored(pg, clustered(rng, centres, 1200))
    pg.vectors.train(MODEL, lists=24)
    index = pg.vectors.open(MODEL)
    for query in clustered(rng, centres, 8):
        assert len(current(pg).probe(query, 10)) == 3
        same(search(pg, query, 10), exact(pg, query, 10))
    assert index.search(centres[0], 5) and index.kind == vector_index.ServerScan.LISTS
    assert vector_index.ServerScan(pg.engine, MODEL, lists=False).kind.startswith("binary")


@postgres
def test_codes_in_no_current_list_are_still_searched_and_tagged_later(
    pg: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A code written while a training ran has no list, or an older training's: searches
    scan such codes whatever the query, and ``train_if_due`` tags them."""
    monkeypatch.setattr(vector_lists, "NPROBE", 1)
    monkeypatch.setattr(vector_lists, "PROBE_ROWS", 0)
    rng = np.random.default_rng(4)
    centres = unit(rng, 16)
    vectors = clustered(rng, centres, 400)
    ids = stored(pg, vectors)
    pg.vectors.train(MODEL, lists=16)
    assert pg.vectors.train(MODEL, lists=16) == 16  # a second training numbers past the first
    lists = current(pg)
    assert lists.first == 16
    far = [n for n in range(400) if lists.probe(vectors[0], 1) != lists.probe(vectors[n], 1)]
    untagged, stale = ids[far[0]], ids[far[1]]
    with pg.engine.begin() as conn:
        conn.execute(update(vector_codes).where(vector_codes.c.image_id == untagged).values(
            list_no=None))  # fmt: skip
        conn.execute(update(vector_codes).where(vector_codes.c.image_id == stale).values(
            list_no=3))  # fmt: skip
    found = [i for i, _ in search(pg, vectors[0], 400)]
    assert untagged in found and stale in found
    assert pg.vectors.train_if_due(MODEL) == 0  # not due: 400 codes
    after = tags(pg)
    assert after[untagged] == lists.numbers(vectors[far[0] : far[0] + 1])[0]
    assert after[stale] == lists.numbers(vectors[far[1] : far[1] + 1])[0]
    assert all(n is not None and n >= 16 for n in after.values())


@postgres
def test_trash_and_delete_are_still_left_out(pg: Catalog) -> None:
    rng = np.random.default_rng(5)
    centres = unit(rng, 8)
    vectors = clustered(rng, centres, 200)
    ids = stored(pg, vectors)
    pg.vectors.train(MODEL, lists=16)
    top = search(pg, vectors[0], 3)[0][0]
    assert top == ids[0]
    pg.maintenance.set_trashed([ids[0]], NOW)
    assert ids[0] not in [i for i, _ in search(pg, vectors[0], 200)]
    pg.maintenance.delete_images([ids[1]])
    found = [i for i, _ in search(pg, vectors[1], 200)]
    assert ids[1] not in found and len(found) == 198
    same(search(pg, vectors[1], 20), exact(pg, vectors[1], 20))


@postgres
def test_lists_are_trained_when_due_and_again_after_growth(
    pg: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Below ``TRAIN_AT`` codes nothing is trained and the search is the full scan, as before
    the lists; past it ``backfill``'s call trains them; after 4x growth, again."""
    rng = np.random.default_rng(6)
    centres = unit(rng, 8)
    stored(pg, clustered(rng, centres, 100))
    monkeypatch.setattr(vector_lists, "TRAIN_AT", 101)
    assert not vector_lists.due(pg.engine, MODEL)
    assert pg.vectors.train_if_due(MODEL) == 0
    search(pg, centres[0], 5)
    index = pg.vectors.open(MODEL)
    assert index.search(centres[0], 5) and index.kind == vector_index.ServerScan.FULL
    assert set(tags(pg).values()) == {None}
    stored(pg, clustered(rng, centres, 1))
    assert pg.vectors.train_if_due(MODEL) == vector_lists.MIN_LISTS
    assert current(pg).trained_rows == 101
    stored(pg, clustered(rng, centres, 302))
    assert pg.vectors.train_if_due(MODEL) == 0  # 403 codes: not yet 4x
    stored(pg, clustered(rng, centres, 1))
    assert pg.vectors.train_if_due(MODEL) == 20  # the square root of 404
    assert current(pg).trained_rows == 404 and current(pg).first == vector_lists.MIN_LISTS
    assert None not in tags(pg).values()


@postgres
def test_a_search_sees_a_new_training(pg: Catalog) -> None:
    """The centroids a process keeps are read again once another training replaced them."""
    rng = np.random.default_rng(7)
    centres = unit(rng, 8)
    vectors = clustered(rng, centres, 300)
    ids = stored(pg, vectors)
    pg.vectors.train(MODEL, lists=16)
    assert search(pg, vectors[5], 1)[0][0] == ids[5]
    with Catalog.open(pg.url) as other:  # another process trains
        other.vectors.train(MODEL, lists=20)
    assert search(pg, vectors[5], 1)[0][0] == ids[5]
    assert len(current(pg).centroids) == 20


def test_the_migration_goes_down_to_0015_and_up_again(catalog_url: str) -> None:
    """0016 on a catalog with codes: every code starts untagged and is searched; on SQLite
    the codes keep their embeddings' rowids and the delete trigger, both ways."""
    rng = np.random.default_rng(8)
    vectors = clustered(rng, unit(rng, 8), 120)
    with Catalog.open(catalog_url) as catalog:
        ids = stored(catalog, vectors)
        _alembic(catalog.engine, "downgrade", "0015")
        with catalog.engine.connect() as conn:
            columns = conn.execute(select(text("*")).select_from(vector_codes)).keys()
            assert list(columns) == ["image_id", "model", "code"]
        _alembic(catalog.engine, "upgrade", "head")
    with Catalog.open(catalog_url) as catalog:
        assert set(tags(catalog).values()) == {None}
        same(search(catalog, vectors[9], 20), exact(catalog, vectors[9], 20))
        with catalog.engine.connect() as conn:
            if catalog.dialect == "sqlite":
                assert conn.execute(
                    text(
                        "SELECT count(*) FROM vector_codes c JOIN image_embeddings e"
                        " ON e.rowid = c.rowid AND e.image_id = c.image_id"
                    )
                ).scalar_one() == len(ids)
                trigger = "SELECT count(*) FROM sqlite_master WHERE name = 'vector_codes_deleted'"
                assert conn.execute(text(trigger)).scalar_one() == 1
            else:
                indexes = "SELECT indexname FROM pg_indexes WHERE tablename = 'vector_codes'"
                assert "ix_vector_codes_list" in set(conn.execute(text(indexes)).scalars())
                options = "SELECT reloptions FROM pg_class WHERE oid = 'vector_codes'::regclass"
                assert conn.execute(text(options)).scalars().all() == [
                    ["autovacuum_vacuum_insert_scale_factor=0.02"]
                ]
        if catalog.dialect == "postgresql":
            assert catalog.vectors.train(MODEL, lists=16) == 16
        assert search(catalog, vectors[9], 1)[0][0] == ids[9]


def test_sqlite_has_no_lists(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite scans its codes in memory: nothing is trained, no code is tagged, its search is
    the same MemoryScan as before, whatever the thresholds say."""
    monkeypatch.setattr(vector_lists, "TRAIN_AT", 1)
    with Catalog.open(sqlite_url) as catalog:
        rng = np.random.default_rng(9)
        vectors = clustered(rng, unit(rng, 4), 50)
        ids = stored(catalog, vectors)
        assert not vector_lists.due(catalog.engine, MODEL)
        assert catalog.vectors.train_if_due(MODEL) == 0
        assert catalog.vectors.train(MODEL, lists=16) == 0
        assert set(tags(catalog).values()) == {None}
        with catalog.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM vector_lists")).scalar_one() == 0
            assert conn.execute(text("SELECT count(*) FROM vector_training")).scalar_one() == 0
        index = catalog.vectors.open(MODEL)
        assert isinstance(index, vector_sqlite.MemoryScan)
        assert index.search(vectors[3], 1)[0][0] == ids[3]
        same(search(catalog, vectors[3], 50), exact(catalog, vectors[3], 50))


def test_kmeans_and_list_counts() -> None:
    rng = np.random.default_rng(10)
    centres = unit(rng, 5)
    sample = clustered(rng, centres, 500)
    centroids = vector_lists.kmeans(sample, 10, iterations=8)
    assert centroids.shape == (10, 384) and centroids.dtype == np.float32
    assert np.linalg.norm(centroids, axis=1) == pytest.approx(np.ones(10), abs=1e-5)
    owner = vector_lists.nearest(sample, centroids)
    assert len(set(owner.tolist())) == 10  # no list left empty
    truth = vector_lists.nearest(sample, centres)
    for j in range(10):  # no trained list mixes two true clusters
        assert len(set(truth[owner == j].tolist())) == 1
    assert vector_lists.kmeans(sample[:3], 16, iterations=2).shape == (3, 384)
    assert vector_lists.list_count(100) == vector_lists.MIN_LISTS
    assert vector_lists.list_count(1_000_000) == 1000
    assert vector_lists.list_count(10**9) == vector_lists.MAX_LISTS
