"""The arithmetic of the vector index (``catalog/vector_index.py``), shared by its SQLite scan
(``catalog/vector_sqlite.py``) and its PostgreSQL scan: how many candidates a search takes,
the binary code of a vector, and the exact ranking of the candidates.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

OVERSAMPLE = 10  # candidates per result wanted: recall@50 1.000 on 100k (bench/vector.py)
MIN_CANDIDATES = 500  # even for a top-5: a small limit should not lose recall
MAX_CANDIDATES = 20_000  # 30 MB of float32 vectors fetched for a top-1000, no more


def candidates(limit: int) -> int:
    return min(MAX_CANDIDATES, max(MIN_CANDIDATES, limit * OVERSAMPLE))


def quantize(vectors: np.ndarray) -> np.ndarray:
    """Sign bits of each row, packed: (n, d) float → (n, d/8) uint8."""
    packed: np.ndarray = np.packbits(np.atleast_2d(vectors) > 0, axis=1)
    return packed


def vectors_of(rows: Sequence[tuple[str, bytes]]) -> np.ndarray:
    """The float32 matrix of (id, vector bytes) rows as the catalog stores them, one per row."""
    return np.frombuffer(b"".join(v for _, v in rows), dtype=np.float32).reshape(len(rows), -1)


def rerank(
    rows: Sequence[tuple[str, bytes]], query: np.ndarray, limit: int
) -> list[tuple[str, float]]:
    """The exact ranking of some candidates: cosine similarity of unit vectors, best first."""
    if not rows or limit < 1:
        return []
    scores = vectors_of(rows) @ query.astype(np.float32)
    ids = np.array([i for i, _ in rows])
    order = np.lexsort((ids, -scores))[:limit]
    return [(str(ids[j]), float(scores[j])) for j in order]
