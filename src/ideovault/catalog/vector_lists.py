"""Inverted lists for the vector index on PostgreSQL (catalog/vector_index.py): a coarse
partition of each model's vectors, so that a search scans the codes of a few lists rather than
every code in the server.

A k-means over a sample of the float32 vectors (spherical: unit centroids, nearest by dot
product) gives ``lists`` centroids, about the square root of the vector count; each code is
tagged with its vector's nearest (``vector_codes.list_no``). A search computes, in its own
process, the ``nprobe`` centroids nearest the query and has the server scan only those lists'
codes by Hamming distance, plus every code not in a current list (new since the training,
or tagged by an older one), so nothing stored is ever out of reach.

Training is not free (a pass over every vector) and is not needed for a small vault (the full
scan of 20,000 codes takes milliseconds), so ``backfill`` runs it (:func:`due`): once a model
has ``TRAIN_AT`` codes, and again when it has grown ``RETRAIN_GROWTH`` times since. It runs in
one transaction: searches see the old lists or the new ones, never a mix. Each training numbers
its lists past the previous one's, so a code that a concurrent writer tagged with an old
training's centroids is recognisably stale (``list_no < first``) and searched as untagged.

pgvector's IVF index would do this in the server; it is not used because it could not be
installed (nor tested) on this project's machines.
"""

from __future__ import annotations

import math
import threading
import weakref
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Connection, Engine, text

from ideovault.catalog.vector_math import candidates, vectors_of

TRAIN_AT = 20_000  # codes of a model before lists are trained (fewer: the full scan is fast)
RETRAIN_GROWTH = 4  # train again once the codes are this many times those trained on
SAMPLE = 50_000  # vectors the k-means learns from (77 MB of float32 at 384 dimensions;
# training peaked at 155 MB RSS on 100,000 vectors: README, Performance)
ITERATIONS = 8
MIN_LISTS, MAX_LISTS = 16, 4096
NPROBE = 16  # lists a search scans at least (recall@50 on bench/vector.py: README)
PROBE_ROWS = 4  # ... and enough lists to hold this many codes per candidate wanted
PAGE = 2_000  # vectors assigned per step (with 4,096 lists, 33 MB of dot products)
TRAIN_LOCK = 0x1DE0_7EC7  # advisory lock, with the schema's hash: one training per catalog


def list_count(rows: int) -> int:
    return min(MAX_LISTS, max(MIN_LISTS, round(math.sqrt(rows))))


def nearest(vectors: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """The index of each vector's nearest centroid (highest dot product), a chunk at a time."""
    out = np.empty(len(vectors), dtype=np.int64)
    for start in range(0, len(vectors), PAGE):
        out[start : start + PAGE] = np.argmax(vectors[start : start + PAGE] @ centroids.T, axis=1)
    return out


def seeds(sample: np.ndarray, lists: int, rng: np.random.Generator) -> np.ndarray:
    """k-means++ starting centroids, drawn from a pool of the sample (a few per list): each
    next one far from those already drawn, so two seeds rarely split one cluster while
    another has none."""
    pool = sample[rng.choice(len(sample), min(len(sample), max(1_000, 4 * lists)), replace=False)]
    picked = [int(rng.integers(len(pool)))]
    distance = np.maximum(1 - pool @ pool[picked[0]], 0)  # half the squared distance
    for _ in range(1, lists):
        total = float(distance.sum())
        j = int(rng.choice(len(pool), p=distance / total) if total > 0 else rng.integers(len(pool)))
        picked.append(j)
        distance = np.minimum(distance, np.maximum(1 - pool @ pool[j], 0))
    chosen: np.ndarray = pool[picked].copy()
    return chosen


def kmeans(sample: np.ndarray, lists: int, iterations: int, seed: int = 0) -> np.ndarray:
    """Spherical k-means: ``lists`` unit centroids (float32), seeded by k-means++. A list left
    empty restarts at a random vector, so every list has a centroid."""
    rng = np.random.default_rng(seed)
    sample = sample.astype(np.float32, copy=False)
    lists = min(lists, len(sample))
    centroids = seeds(sample, lists, rng)
    for _ in range(iterations):
        sums = np.zeros_like(centroids)
        sizes = np.zeros(lists, dtype=np.int64)
        for start in range(0, len(sample), PAGE):  # a chunk at a time: no copy of the sample
            chunk = sample[start : start + PAGE]
            owner = nearest(chunk, centroids)
            order = np.argsort(owner, kind="stable")
            present, begins, counts = np.unique(owner[order], return_index=True, return_counts=True)
            sums[present] += np.add.reduceat(chunk[order], begins, axis=0)
            sizes[present] += counts
        empty = sizes == 0
        sums[empty] = sample[rng.choice(len(sample), int(empty.sum()))]
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        centroids = sums / np.where(norms > 0, norms, 1)
    result: np.ndarray = centroids.astype(np.float32)
    return result


@dataclass(frozen=True)
class Lists:
    """One model's current lists: centroid ``j`` is list ``first + j``."""

    first: int
    centroids: np.ndarray
    trained_rows: int

    def numbers(self, vectors: np.ndarray) -> list[int]:
        return [self.first + int(j) for j in nearest(vectors, self.centroids)]

    def probe(self, query: np.ndarray, limit: int) -> list[int]:
        """The lists a search for the best ``limit`` scans: the ``nprobe`` nearest the query."""
        count = len(self.centroids)
        per_list = max(1.0, self.trained_rows / count)
        wanted = max(NPROBE, math.ceil(PROBE_ROWS * candidates(limit) / per_list))
        scores = self.centroids @ query.astype(np.float32)
        if wanted >= count:
            picked = np.arange(count)
        else:
            picked = np.argpartition(-scores, wanted - 1)[:wanted]
        return sorted(self.first + int(j) for j in picked)


# Per engine (one per catalog), per model: (first_list, lists) → Lists, read again only when a
# training has changed them.
_cache: weakref.WeakKeyDictionary[Engine, dict[str, Lists]] = weakref.WeakKeyDictionary()
_cache_lock = threading.Lock()


def current(conn: Connection, model: str) -> Lists | None:
    """The model's lists as this transaction sees them (None: never trained). Costs one
    primary-key lookup while the cached centroids are current."""
    row = conn.execute(
        text("SELECT first_list, lists, trained_rows FROM vector_training WHERE model = :m"),
        {"m": model},
    ).first()
    if row is None:
        return None
    first, count, trained = int(row[0]), int(row[1]), int(row[2])
    with _cache_lock:
        cached = _cache.get(conn.engine, {}).get(model)
    if cached is not None and cached.first == first and len(cached.centroids) == count:
        return cached
    blobs = conn.execute(
        text("SELECT centroid FROM vector_lists WHERE model = :m ORDER BY list_no"), {"m": model}
    ).scalars()
    centroids = np.frombuffer(b"".join(bytes(b) for b in blobs), dtype=np.float32)
    lists = Lists(first, centroids.reshape(count, -1), trained)
    with _cache_lock:
        _cache.setdefault(conn.engine, {})[model] = lists
    return lists


def code_count(conn: Connection, model: str) -> int:
    return int(
        conn.execute(
            text("SELECT count(*) FROM vector_codes WHERE model = :m"), {"m": model}
        ).scalar_one()
    )


def due(engine: Engine, model: str) -> bool:
    """Whether ``backfill`` should train: PostgreSQL, ``TRAIN_AT`` codes or more, and no lists
    yet or ``RETRAIN_GROWTH`` times as many codes as when they were trained."""
    if engine.dialect.name != "postgresql":
        return False
    with engine.connect() as conn:
        rows = code_count(conn, model)
        trained = conn.execute(
            text("SELECT trained_rows FROM vector_training WHERE model = :m"), {"m": model}
        ).scalar()
    if rows < TRAIN_AT:
        return False
    return trained is None or rows >= RETRAIN_GROWTH * int(trained)


TAG = text(
    "UPDATE vector_codes AS c SET list_no = u.l"
    " FROM unnest(CAST(:ids AS TEXT[]), CAST(:lists AS INTEGER[])) AS u(i, l)"
    ' WHERE c.model = :m AND c.image_id = u.i COLLATE "C"'
)


def train(
    engine: Engine,
    model: str,
    *,
    lists: int | None = None,
    sample: int = SAMPLE,
    iterations: int = ITERATIONS,
    seed: int = 0,
) -> int:
    """Train the model's lists and tag every code with its list, in one transaction (a page
    of vectors in memory at a time). Returns the number of lists; 0 if there is nothing to
    train on, or another process is training this catalog."""
    if engine.dialect.name != "postgresql":
        return 0
    with engine.begin() as conn:
        lock = f"SELECT pg_try_advisory_xact_lock({TRAIN_LOCK}, hashtext(current_schema()))"
        if not conn.execute(text(lock)).scalar():
            return 0
        rows = code_count(conn, model)
        drawn = _draw(conn, model, rows, sample, seed)
        if not len(drawn):
            return 0
        centroids = kmeans(drawn, lists or list_count(rows), iterations, seed)
        del drawn
        previous = conn.execute(
            text("SELECT first_list + lists FROM vector_training WHERE model = :m"), {"m": model}
        ).scalar()
        first = int(previous or 0)
        conn.execute(text("DELETE FROM vector_lists WHERE model = :m"), {"m": model})
        conn.execute(
            text("INSERT INTO vector_lists (model, list_no, centroid) VALUES (:m, :n, :c)"),
            [{"m": model, "n": first + j, "c": c.tobytes()} for j, c in enumerate(centroids)],
        )
        conn.execute(text("DELETE FROM vector_training WHERE model = :m"), {"m": model})
        conn.execute(
            text(
                "INSERT INTO vector_training (model, first_list, lists, trained_rows)"
                " VALUES (:m, :f, :n, :r)"
            ),
            {"m": model, "f": first, "n": len(centroids), "r": rows},
        )
        fresh = Lists(first, centroids, rows)
        after = ""
        while True:
            page = conn.execute(
                text(
                    "SELECT image_id, vector FROM image_embeddings"
                    " WHERE model = :m AND image_id > :after ORDER BY image_id LIMIT :n"
                ),
                {"m": model, "after": after, "n": PAGE},
            ).all()
            if not page:
                break
            after = str(page[-1][0])
            _tag(conn, model, fresh, [(str(i), bytes(v)) for i, v in page])
    _tidy(engine)
    return len(centroids)


def _draw(conn: Connection, model: str, rows: int, size: int, seed: int) -> np.ndarray:
    """About ``size`` of the model's vectors, drawn row by row across the whole table
    (BERNOULLI, so the newest are as likely as the oldest), streamed into one array."""
    percent = min(100.0, 100.0 * size / max(1, rows))
    result = conn.execute(
        text(
            "SELECT vector FROM image_embeddings TABLESAMPLE BERNOULLI (CAST(:p AS REAL))"
            " REPEATABLE (:seed) WHERE model = :m LIMIT :n"
        ).execution_options(yield_per=PAGE),
        {"p": percent, "seed": seed, "m": model, "n": size + size // 5},  # chance's excess
    )
    matrix: np.ndarray | None = None
    count = 0
    for (blob,) in result:
        vector = np.frombuffer(bytes(blob), dtype=np.float32)
        if matrix is None:
            matrix = np.empty((size + size // 5, len(vector)), dtype=np.float32)
        matrix[count] = vector
        count += 1
    return np.empty((0, 0), dtype=np.float32) if matrix is None else matrix[:count]


def _tag(conn: Connection, model: str, lists: Lists, page: list[tuple[str, bytes]]) -> None:
    if not page:
        return
    numbers = lists.numbers(vectors_of(page))
    conn.execute(TAG, {"ids": [i for i, _ in page], "lists": numbers, "m": model})


def _tidy(engine: Engine) -> None:
    """After a training rewrote every code's row: new statistics for the planner (it must
    know the lists are small to walk the index) and the visibility map an index-only scan
    needs, set by VACUUM (which cannot run inside a transaction)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM (ANALYZE) vector_codes"))


def tag_untagged(engine: Engine, model: str, *, page: int = PAGE) -> int:
    """Tag the codes with no current list (written while a training ran, or tagged by an
    older one) with their nearest; a page per transaction. Returns how many were tagged."""
    if engine.dialect.name != "postgresql":
        return 0
    done = 0
    while True:
        with engine.begin() as conn:
            lists = current(conn, model)
            if lists is None:
                return done
            rows = conn.execute(
                text(
                    "SELECT c.image_id, e.vector FROM vector_codes c JOIN image_embeddings e"
                    " ON e.image_id = c.image_id AND e.model = c.model WHERE c.model = :m"
                    " AND (c.list_no IS NULL OR c.list_no < :first) LIMIT :n"
                ),
                {"m": model, "first": lists.first, "n": page},
            ).all()
            _tag(conn, model, lists, [(str(i), bytes(v)) for i, v in rows])
        done += len(rows)
        if len(rows) < page:
            return done
