"""SQLite's side of the vector index (catalog/vector_index.py): the codes held in the
searching process's memory and scanned with numpy.

Reading a million codes out of SQLite takes about a second, so a process keeps them after its
first search — 48 bytes of code and 8 of rowid an image, 56 MB at a million — and before each
search asks SQLite two cheap questions: the highest rowid (new codes are read past it) and the
``vector_state`` generation, which a trigger bumps on any delete (then everything is read
again). Past ``CACHED_ROWS`` codes nothing is kept and each search reads them a page at a time:
slower, but the memory stays bounded whatever the vault's size.
"""

from __future__ import annotations

import json
import threading
import weakref
from collections.abc import Iterator
from typing import Protocol

import numpy as np
from sqlalchemy import Connection, Engine, text

from ideovault.catalog.vector_math import candidates, quantize, rerank


class Owner(Protocol):
    """What holds the scans (a catalog's ``vectors``): they last as long as it does."""

    @property
    def engine(self) -> Engine: ...


CACHED_ROWS = 2_000_000  # 112 MB of codes and rowids at 384 dimensions
PAGE = 100_000  # codes read per query when not cached, and per step of a load

_bitwise_count = getattr(np, "bitwise_count", None)  # numpy 2.0+
_POPCOUNT = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)

# Per catalog (its ``catalog.vectors``), which the scans do not hold (only its engine): they go
# with it.
_indexes: weakref.WeakKeyDictionary[Owner, dict[str, MemoryScan]] = weakref.WeakKeyDictionary()
_indexes_lock = threading.Lock()


def to_words(codes: np.ndarray) -> np.ndarray:
    """Packed codes (n, bytes) as 64-bit words laid out word by word, (words, n): each pass of
    the scan then reads one contiguous array (three times faster than row by row)."""
    n, width = codes.shape
    padded = np.zeros((n, -(-width // 8) * 8), dtype=np.uint8)  # zero bits never differ
    padded[:, :width] = codes
    return np.ascontiguousarray(padded.view(np.uint64).T)


def hamming(words: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Bits that differ between each code (``to_words`` layout) and ``query`` (one code in
    the same layout, shape (words, 1))."""
    distance = np.zeros(words.shape[1], dtype=np.uint16)
    for column, q in zip(words, query[:, 0], strict=True):
        flipped = column ^ q
        if _bitwise_count is not None:
            distance += _bitwise_count(flipped)
        else:
            per_byte = _POPCOUNT[flipped.view(np.uint8)].reshape(-1, 8)
            distance += per_byte.sum(axis=1, dtype=np.uint16)
    return distance


def nearest(rowids: np.ndarray, words: np.ndarray, query: np.ndarray, k: int) -> np.ndarray:
    """Rowids of the ``k`` codes nearest ``query`` among these, in no particular order. The
    distance that takes in ``k`` of them is read off a histogram (a linear pass), so only the
    few codes at or under it are sorted."""
    if len(rowids) <= k:
        return rowids
    distance = hamming(words, query)
    within = int(np.searchsorted(np.cumsum(np.bincount(distance)), k))
    picked = np.flatnonzero(distance <= within)
    if len(picked) > k:
        picked = picked[np.argpartition(distance[picked], k - 1)[:k]]
    result: np.ndarray = rowids[picked]
    return result


class MemoryScan:
    """One process's copy of one model's codes for one catalog, shared by its threads."""

    kind = "binary codes in memory (numpy), exact re-rank"

    def __init__(self, engine: Engine, model: str) -> None:
        self.engine = engine
        self.model = model
        self.rowids = np.empty(0, dtype=np.int64)
        self.words = np.empty((0, 0), dtype=np.uint64)
        self.generation: int | None = None
        self.high = 0  # highest rowid read
        self.cached = True
        self._lock = threading.Lock()

    @classmethod
    def of(cls, owner: Owner, model: str) -> MemoryScan:
        with _indexes_lock:
            per_model = _indexes.setdefault(owner, {})
            if model not in per_model:
                per_model[model] = cls(owner.engine, model)
            return per_model[model]

    def search(self, query: np.ndarray, limit: int) -> list[tuple[str, float]]:
        if limit < 1:
            return []
        code = to_words(quantize(query))
        k = candidates(limit)
        with self.engine.connect().execution_options(read_only=True) as conn:
            picked = [nearest(r, c, code, k) for r, c in self._pages(conn)]
            ids = np.concatenate(picked) if picked else np.empty(0, dtype=np.int64)
            if len(picked) > 1 and len(ids) > k:  # pages read from disk: keep the best overall
                ids = self._best_of(conn, ids, code, k)
            ranked = rerank(self._vectors(conn, ids), query, len(ids))
            return live(conn, ranked, limit)

    # -- reading --------------------------------------------------------------------------

    def _pages(self, conn: Connection) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(rowids, codes) to scan: the cache brought up to date, or pages read from disk."""
        with self._lock:
            generation, high = conn.execute(
                text(
                    "SELECT (SELECT generation FROM vector_state),"
                    " (SELECT coalesce(max(rowid), 0) FROM vector_codes)"
                )
            ).one()
            if generation != self.generation or high < self.high:
                self._reset(int(generation))
            if self.cached and high > self.high:
                self._load(conn)
            rowids, words, cached = self.rowids, self.words, self.cached
        if cached:
            yield rowids, words
            return
        after = 0
        while True:
            rowids, words = self._read(conn, after, PAGE)
            if not len(rowids):
                return
            after = int(rowids[-1])
            yield rowids, words

    def _reset(self, generation: int) -> None:
        self.rowids = np.empty(0, dtype=np.int64)
        self.words = np.empty((0, 0), dtype=np.uint64)
        self.generation, self.high, self.cached = generation, 0, True

    def _load(self, conn: Connection) -> None:
        rowids, words = [self.rowids], [self.words] if len(self.rowids) else []
        count = len(self.rowids)
        while True:
            page_ids, page_words = self._read(conn, self.high, PAGE)
            if not len(page_ids):
                break
            self.high = int(page_ids[-1])
            count += len(page_ids)
            if count > CACHED_ROWS:  # too many to keep: scan from disk from now on
                self._reset(self.generation or 0)
                self.cached = False
                return
            rowids.append(page_ids)
            words.append(page_words)
        self.rowids = np.concatenate(rowids)
        self.words = np.concatenate(words, axis=1) if words else self.words

    def _read(self, conn: Connection, after: int, limit: int) -> tuple[np.ndarray, np.ndarray]:
        rows = conn.execute(
            text(
                "SELECT rowid, code FROM vector_codes WHERE model = :model AND rowid > :after"
                " ORDER BY rowid LIMIT :limit"
            ),
            {"model": self.model, "after": after, "limit": limit},
        ).all()
        if not rows:
            return np.empty(0, dtype=np.int64), np.empty((0, 0), dtype=np.uint64)
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        codes = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.uint8)
        return ids, to_words(codes.reshape(len(rows), -1))

    def _best_of(self, conn: Connection, ids: np.ndarray, code: np.ndarray, k: int) -> np.ndarray:
        """The ``k`` nearest among candidates gathered page by page (their codes read again)."""
        rows = conn.execute(
            text(
                "SELECT rowid, code FROM vector_codes"
                " WHERE rowid IN (SELECT value FROM json_each(:ids))"
            ),
            {"ids": json.dumps(ids.tolist())},
        ).all()
        found = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        codes = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.uint8).reshape(len(rows), -1)
        return nearest(found, to_words(codes), code, k)

    def _vectors(self, conn: Connection, ids: np.ndarray) -> list[tuple[str, bytes]]:
        """The float32 vectors of these candidates: a code's rowid is its embedding's."""
        if not len(ids):
            return []
        rows = conn.execute(
            text(
                "SELECT image_id, vector FROM image_embeddings"
                " WHERE rowid IN (SELECT value FROM json_each(:ids)) AND model = :model"
            ),
            {"ids": json.dumps(ids.tolist()), "model": self.model},
        )
        return [(str(i), bytes(v)) for i, v in rows]


def live(conn: Connection, ranked: list[tuple[str, float]], limit: int) -> list[tuple[str, float]]:
    """The first ``limit`` of ``ranked`` whose images are not in the trash: asked of the
    catalog for the few at the top (and a few more for each one trashed), not every
    candidate, as the trash is small next to the vault."""
    kept: list[tuple[str, float]] = []
    start = 0
    while len(kept) < limit and start < len(ranked):
        chunk = ranked[start : start + (limit - len(kept)) + 8]
        start += len(chunk)
        trashed = set(
            conn.execute(
                text(
                    "SELECT id FROM images WHERE id IN (SELECT value FROM json_each(:ids))"
                    " AND trashed_at IS NOT NULL"
                ),
                {"ids": json.dumps([i for i, _ in chunk])},
            ).scalars()
        )
        kept += [pair for pair in chunk if pair[0] not in trashed][: limit - len(kept)]
    return kept
