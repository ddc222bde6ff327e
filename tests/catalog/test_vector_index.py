"""The vector index of semantic search against the exact scan, on SQLite and PostgreSQL.

Random unit vectors stand in for prompt embeddings (the model is the semantic extra's, tested in
tests/vault/test_semantic.py): what is checked here is the index — same answers as the exact
scan where it ranks every vector, kept in step with writes, trash and purge, and hostile input.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from sqlalchemy import delete, func, select, text

from ideovault.catalog import Catalog, vector_math, vector_sqlite
from ideovault.catalog.schema import image_embeddings, vector_codes
from ideovault.vault.semantic import exact_top
from tests.catalog.test_store import NOW, new_generation, new_image

MODEL = "all-MiniLM-L6-v2"


@pytest.fixture
def catalog(catalog_url: str) -> Iterator[Catalog]:
    with Catalog.open(catalog_url) as c:
        yield c


def unit(rng: np.random.Generator, n: int, dims: int = 384) -> np.ndarray:
    vectors = rng.standard_normal((n, dims)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors


def stored(catalog: Catalog, vectors: np.ndarray) -> list[str]:
    """Images with these embeddings, saved the way semantic.backfill saves them."""
    gid = new_generation(catalog)
    rows = catalog.generations.record_response(
        gid,
        raw={"data": []},
        images=[new_image(index=i) for i in range(len(vectors))],
        answered_at=NOW,
    )
    ids = [r.id for r in rows]
    catalog.embeddings.save(MODEL, [(i, v.tobytes()) for i, v in zip(ids, vectors, strict=True)])
    return ids


def exact(catalog: Catalog, query: np.ndarray, limit: int) -> list[tuple[str, float]]:
    vault: Any = SimpleNamespace(catalog=catalog)
    return exact_top(vault, query, limit)


def search(catalog: Catalog, query: np.ndarray, limit: int) -> list[tuple[str, float]]:
    return catalog.vectors.open(MODEL).search(query, limit)


def same(found: list[tuple[str, float]], expected: list[tuple[str, float]]) -> None:
    assert [i for i, _ in found] == [i for i, _ in expected]
    assert [s for _, s in found] == pytest.approx([s for _, s in expected], abs=1e-5)


def test_ranks_like_the_exact_scan_where_it_sees_every_vector(catalog: Catalog) -> None:
    rng = np.random.default_rng(1)
    stored(catalog, unit(rng, 300))
    for query in unit(rng, 5):
        for limit in (1, 7, 50, 300, 1000):
            same(search(catalog, query, limit), exact(catalog, query, limit))


def test_candidates_are_picked_by_hamming_distance(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With fewer candidates than vectors the codes choose: the exact neighbour of a query
    close to one stored vector is still found, and a near-copy beats the rest."""
    monkeypatch.setattr(vector_math, "MIN_CANDIDATES", 10)
    monkeypatch.setattr(vector_math, "OVERSAMPLE", 10)
    rng = np.random.default_rng(2)
    vectors = unit(rng, 400)
    ids = stored(catalog, vectors)
    for n in (3, 150, 399):
        query = vectors[n] + 0.05 * unit(rng, 1)[0]
        query /= np.linalg.norm(query)
        found = search(catalog, query, 5)
        assert found[0][0] == ids[n]
        same(found[:1], exact(catalog, query, 1))
        true = {i: float(vectors[ids.index(i)] @ query) for i, _ in found}
        assert [s for _, s in found] == pytest.approx([true[i] for i, _ in found], abs=1e-5)


def test_new_embeddings_are_found_without_a_rebuild(catalog: Catalog) -> None:
    rng = np.random.default_rng(3)
    first = unit(rng, 20)
    stored(catalog, first)
    assert search(catalog, first[4], 1)[0][1] == pytest.approx(1.0, abs=1e-5)  # index read
    later = unit(rng, 20)
    later_ids = stored(catalog, later)
    assert search(catalog, later[7], 1)[0][0] == later_ids[7]


def test_saving_again_replaces_the_code(catalog: Catalog) -> None:
    rng = np.random.default_rng(4)
    a, b = unit(rng, 2)
    (image_id,) = stored(catalog, a[None, :])
    assert search(catalog, a, 1)[0][0] == image_id
    catalog.embeddings.save(MODEL, [(image_id, b.tobytes())])
    with catalog.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(vector_codes)).scalar_one() == 1
    assert search(catalog, b, 1) == [(image_id, pytest.approx(1.0, abs=1e-5))]


def test_trash_hides_and_purge_removes_from_the_index(catalog: Catalog) -> None:
    rng = np.random.default_rng(5)
    vectors = unit(rng, 30)
    ids = stored(catalog, vectors)
    search(catalog, vectors[0], 5)  # the SQLite process now holds the codes
    catalog.maintenance.set_trashed([ids[0], ids[1]], NOW)
    found = [i for i, _ in search(catalog, vectors[0], 30)]
    assert ids[0] not in found and ids[1] not in found and len(found) == 28
    catalog.maintenance.set_trashed([ids[1]], None)
    assert search(catalog, vectors[1], 1)[0][0] == ids[1]
    catalog.maintenance.delete_images([ids[0], ids[2]])
    with catalog.engine.connect() as conn:
        codes = set(conn.execute(select(vector_codes.c.image_id)).scalars())
    assert codes == set(ids) - {ids[0], ids[2]}
    found = [i for i, _ in search(catalog, vectors[2], 30)]
    assert len(found) == 28 and ids[2] not in found
    same(search(catalog, vectors[2], 30), exact(catalog, vectors[2], 30))


def test_the_best_live_images_when_the_nearest_are_in_the_trash(catalog: Catalog) -> None:
    """The trash is checked on the best candidates first, then on the next ones: with the 40
    nearest of 60 trashed, a top-10 still comes out whole and exact."""
    rng = np.random.default_rng(9)
    vectors = unit(rng, 60)
    ids = stored(catalog, vectors)
    query = vectors[0]
    nearest = [i for i, _ in exact(catalog, query, 60)][:40]
    catalog.maintenance.set_trashed(nearest, NOW)
    found = search(catalog, query, 10)
    assert len(found) == 10 and not set(nearest) & {i for i, _ in found}
    same(found, exact(catalog, query, 10))
    assert set(ids) - set(nearest) >= {i for i, _ in found}


def test_fill_missing_rebuilds_the_index_of_an_older_vault(catalog: Catalog) -> None:
    rng = np.random.default_rng(6)
    vectors = unit(rng, 12)
    ids = stored(catalog, vectors)
    with catalog.engine.begin() as conn:
        conn.execute(delete(vector_codes))  # as if stored before the index existed
    assert search(catalog, vectors[3], 5) == []
    assert catalog.vectors.fill_missing(MODEL, page=5) == 12
    assert catalog.vectors.fill_missing(MODEL) == 0
    assert search(catalog, vectors[3], 1)[0][0] == ids[3]
    same(search(catalog, vectors[3], 12), exact(catalog, vectors[3], 12))


def test_hostile_limits_and_empty_index(catalog: Catalog) -> None:
    rng = np.random.default_rng(7)
    query = unit(rng, 1)[0]
    assert search(catalog, query, 5) == []  # nothing embedded yet
    ids = stored(catalog, unit(rng, 10))
    assert search(catalog, query, 0) == []
    assert search(catalog, query, -3) == []
    assert sorted(i for i, _ in search(catalog, query, 10**9)) == sorted(ids)
    assert search(catalog, np.zeros(384, dtype=np.float32), 3)  # a zero vector still answers


def test_other_models_are_not_mixed_in(catalog: Catalog) -> None:
    rng = np.random.default_rng(8)
    vectors = unit(rng, 5)
    ids = stored(catalog, vectors)
    catalog.embeddings.save("another-model", [(ids[0], unit(rng, 1)[0].tobytes())])
    assert len(search(catalog, vectors[0], 10)) == 5
    assert len(catalog.vectors.open("another-model").search(vectors[0], 10)) == 1


def test_sqlite_pages_from_disk_past_the_cache(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A vault with more codes than a process keeps is scanned a page at a time, with the
    same answers (the candidates of every page compared again)."""
    monkeypatch.setattr(vector_sqlite, "CACHED_ROWS", 50)
    monkeypatch.setattr(vector_sqlite, "PAGE", 40)
    monkeypatch.setattr(vector_math, "MIN_CANDIDATES", 30)
    with Catalog.open(sqlite_url) as catalog:
        rng = np.random.default_rng(9)
        vectors = unit(rng, 120)
        ids = stored(catalog, vectors)
        index = catalog.vectors.open(MODEL)
        assert isinstance(index, vector_sqlite.MemoryScan)
        assert index.search(vectors[100], 1)[0][0] == ids[100]
        assert not index.cached and len(index.rowids) == 0
        assert len(index.search(vectors[5], 30)) == 30


def test_sqlite_delete_trigger_makes_a_process_read_again(sqlite_url: str) -> None:
    with Catalog.open(sqlite_url) as catalog:
        rng = np.random.default_rng(10)
        vectors = unit(rng, 6)
        ids = stored(catalog, vectors)
        index = catalog.vectors.open(MODEL)
        assert isinstance(index, vector_sqlite.MemoryScan)
        index.search(vectors[0], 1)
        assert len(index.rowids) == 6
        with catalog.engine.begin() as conn:
            conn.execute(delete(image_embeddings).where(image_embeddings.c.image_id == ids[0]))
            generation = conn.execute(text("SELECT generation FROM vector_state")).scalar_one()
        assert generation == 1
        assert ids[0] not in [i for i, _ in index.search(vectors[0], 6)]
        assert len(index.rowids) == 5


def test_the_migration_indexes_embeddings_made_before_it(catalog_url: str) -> None:
    rng = np.random.default_rng(11)
    vectors = unit(rng, 25)
    with Catalog.open(catalog_url) as catalog:  # written at HEAD, then the index taken away
        ids = stored(catalog, vectors)
        with catalog.engine.begin() as conn:
            saved = [tuple(r) for r in conn.execute(select(image_embeddings))]
            conn.execute(delete(image_embeddings))
            for table in ("vector_codes", "vector_state", "vector_lists", "vector_training"):
                conn.execute(text(f"DROP TABLE {table}"))
            conn.execute(text("UPDATE alembic_version SET version_num = '0014'"))
            conn.execute(
                image_embeddings.insert(),
                [{"image_id": i, "model": m, "vector": v} for i, m, v in saved],
            )
    with Catalog.open(catalog_url) as catalog:
        with catalog.engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(vector_codes)).scalar_one() == 25
        same(search(catalog, vectors[9], 25), exact(catalog, vectors[9], 25))
        assert search(catalog, vectors[9], 1)[0][0] == ids[9]
        with catalog.engine.connect() as conn:  # the migration's codes are add()'s codes
            codes = dict(conn.execute(select(vector_codes.c.image_id, vector_codes.c.code)).all())
        packed = vector_math.quantize(vectors[9])[0]
        if catalog.dialect == "sqlite":
            assert codes[ids[9]] == packed.tobytes()
        else:
            assert codes[ids[9]] == "".join(str(b) for b in np.unpackbits(packed))


def test_hamming_without_numpy_bitwise_count(monkeypatch: pytest.MonkeyPatch) -> None:
    """numpy before 2.0 has no bitwise_count: the byte table gives the same distances."""
    rng = np.random.default_rng(12)
    codes = vector_math.quantize(unit(rng, 50))
    query = vector_math.quantize(unit(rng, 1))[0]
    words, query_words = vector_sqlite.to_words(codes), vector_sqlite.to_words(query[None, :])
    fast = vector_sqlite.hamming(words, query_words)
    monkeypatch.setattr(vector_sqlite, "_bitwise_count", None)
    slow = vector_sqlite.hamming(words, query_words)
    expected = [int(np.unpackbits(c ^ query).sum()) for c in codes]
    assert fast.tolist() == slow.tolist() == expected
    assert vector_sqlite.hamming(words[:, :1], words[:, :1]).tolist() == [0]


def test_codes_of_any_width_and_ties_at_the_cut() -> None:
    """A code whose bytes are not a multiple of 8 is padded with bits that never differ; many
    codes at the same distance as the k-th still give exactly k."""
    rng = np.random.default_rng(13)
    codes = vector_math.quantize(unit(rng, 40, dims=100))  # 13 bytes
    words = vector_sqlite.to_words(codes)
    assert vector_sqlite.hamming(words, words[:, 3:4]).tolist() == [
        int(np.unpackbits(c ^ codes[3]).sum()) for c in codes
    ]
    same_code = vector_sqlite.to_words(np.repeat(codes[:1], 30, axis=0))
    picked = vector_sqlite.nearest(np.arange(30), same_code, same_code[:, :1], 7)
    assert len(picked) == 7 and len(set(picked.tolist())) == 7
