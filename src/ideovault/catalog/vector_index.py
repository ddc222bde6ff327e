"""The vector index of semantic search: binary codes scanned by Hamming distance, then the
candidates ranked exactly by their float32 vectors.

Each embedding is kept twice: its float32 vector (``image_embeddings``) and its code — the sign
of each dimension, packed into 48 bytes at 384 dimensions (``vector_codes``). A search finds
the ``candidates(limit)`` codes nearest the query's code (hamming distance, which tracks the
angle between the vectors) and ranks those candidates by their exact cosine similarity. Where
the whole set is smaller than the candidates, every vector is ranked: the result is the exact
scan's. On a large set it is an approximation whose recall bench/vector.py measures (1.000
at top-50 on 100k clustered vectors with the oversampling below; README, Performance).

Where the scan runs, per backend (``catalog.vectors.open(model)``):

* SQLite — in the searching process (catalog/vector_sqlite.py), over the codes held in memory
  (56 MB at a million) and kept in step by rowid; SQLite extensions such as sqlite-vec are not
  used because many Python builds (this project's machines among them) cannot load them.
* PostgreSQL — in the server: ``ORDER BY bit_count(code # :query) LIMIT n`` over the narrow
  codes table, so the searching process holds only the candidates whatever the row count. Over
  every code that is a sequential pass (about a second at a million), so once a model has
  20,000 codes ``backfill`` trains inverted lists (catalog/vector_lists.py: k-means centroids,
  each code tagged with its nearest) and a search scans only the codes of the lists nearest
  the query, plus any code not yet in a current list; its recall against the exact scan is
  measured by bench/vector.py too. Below that size, or before ``backfill`` has trained them,
  the scan covers every code. pgvector is not used: it could not be installed (nor tested) on
  this project's machines, and the lists need no extension.

Writes go through :func:`add` in the transaction that stores the embeddings (on PostgreSQL it
tags each code with its list, once lists exist); deleting an embedding (or its image) deletes
its code by cascade.
"""

# ruff: noqa: S608  (the scans' SQL is assembled from this module's constants; no input reaches it)

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
from sqlalchemy import Connection, Engine, bindparam, insert, select, text

from ideovault.catalog import vector_lists
from ideovault.catalog.schema import image_embeddings, vector_codes
from ideovault.catalog.vector_math import candidates, quantize, rerank, vectors_of


class VectorIndex(Protocol):
    """What semantic search asks of an index: the best ``limit`` live images for a unit
    vector, as (image id, cosine similarity), best first (ties by id)."""

    kind: str

    def search(self, query: np.ndarray, limit: int) -> list[tuple[str, float]]: ...


# -- codes ----------------------------------------------------------------------------------


def _bit_strings(codes: np.ndarray) -> list[str]:
    """PostgreSQL's text form of BIT VARYING values ('0101…'), same bit order as packbits."""
    bits = np.unpackbits(codes, axis=1) + ord("0")
    return [row.tobytes().decode("ascii") for row in bits]


def _code_values(dialect: str, vectors: np.ndarray) -> list[bytes] | list[str]:
    codes = quantize(vectors)
    if dialect == "postgresql":
        return _bit_strings(codes)
    return [row.tobytes() for row in codes]


def add(conn: Connection, model: str, rows: Sequence[tuple[str, bytes]]) -> None:
    """Index embeddings just stored in this transaction (their rows must exist). On SQLite a
    code takes its embedding's rowid, so that a candidate's vector is one B-tree lookup."""
    if not rows:
        return
    vectors = vectors_of(rows)
    values = _code_values(conn.dialect.name, vectors)
    if conn.dialect.name == "sqlite":
        conn.execute(
            SQLITE_ADD,
            [{"i": i, "m": model, "c": c} for (i, _), c in zip(rows, values, strict=True)],
        )
        return
    lists = vector_lists.current(conn, model)  # PostgreSQL: tag each code with its list
    numbers: list[int | None] = [None] * len(rows) if lists is None else [*lists.numbers(vectors)]
    params = [
        {"i": i, "m": model, "c": c, "l": n}
        for (i, _), c, n in zip(rows, values, numbers, strict=True)
    ]
    columns = {"image_id": "i", "model": "m", "code": "c", "list_no": "l"}
    conn.execute(insert(vector_codes).values({k: bindparam(v) for k, v in columns.items()}), params)


SQLITE_ADD = text(
    "INSERT INTO vector_codes (rowid, image_id, model, code) SELECT rowid, image_id, model, :c"
    " FROM image_embeddings WHERE image_id = :i AND model = :m"
)


class ServerScan:
    """PostgreSQL: the Hamming scan runs in the server (``bit_count`` of an XOR, PostgreSQL
    14+), which sorts with a bounded top-N heap; this process receives only the candidates.
    Once the model's lists are trained (catalog/vector_lists.py) it scans only the lists
    nearest the query, and the codes in no current list; ``lists=False`` scans every code."""

    FULL = "binary codes scanned in PostgreSQL, exact re-rank"
    LISTS = "binary codes of the nearest inverted lists scanned in PostgreSQL, exact re-rank"

    def __init__(self, engine: Engine, model: str, *, lists: bool = True) -> None:
        self.engine = engine
        self.model = model
        self.use_lists = lists
        self.kind = self.FULL

    def search(self, query: np.ndarray, limit: int) -> list[tuple[str, float]]:
        if limit < 1:
            return []
        (code,) = _bit_strings(quantize(query))
        params: dict[str, object] = {"model": self.model, "code": code, "n": candidates(limit)}
        # One snapshot for the lists and the codes: a training committed between the two
        # would otherwise leave the query's list numbers naming no list.
        repeatable = self.engine.connect().execution_options(isolation_level="REPEATABLE READ")
        with repeatable as conn:
            lists = vector_lists.current(conn, self.model) if self.use_lists else None
            if lists is None:
                self.kind = self.FULL
                scanned = FULL_SCAN
            else:
                self.kind = self.LISTS
                scanned = LIST_SCAN
                params |= {"lists": lists.probe(query, limit), "first": lists.first}
            sql = text(
                "SELECT e.image_id, e.vector FROM (" + scanned + ") AS c"
                " JOIN image_embeddings e ON e.image_id = c.image_id AND e.model = c.model"
            )
            found = [(str(i), bytes(v)) for i, v in conn.execute(sql, params)]
            return _live(conn, rerank(found, query, len(found)), limit)


_TRASHED = text("SELECT id FROM images WHERE id = ANY(:ids) AND trashed_at IS NOT NULL")


def _live(conn: Connection, ranked: list[tuple[str, float]], limit: int) -> list[tuple[str, float]]:
    """The best ``limit`` of the ranked candidates whose image is not in the trash. Asked of
    the best few first rather than of every candidate: at a million vectors, joining all 500
    candidates to ``images`` took a fifth of the search's time in the server."""
    live: list[tuple[str, float]] = []
    start = 0
    while len(live) < limit and start < len(ranked):
        chunk = ranked[start : start + limit - len(live) + 16]
        trashed = set(conn.execute(_TRASHED, {"ids": [i for i, _ in chunk]}).scalars())
        live += [hit for hit in chunk if hit[0] not in trashed]
        start += len(chunk)
    return live[:limit]


DISTANCE = "bit_count(code # CAST(:code AS BIT VARYING))"
FULL_SCAN = (
    f"SELECT image_id, model FROM vector_codes WHERE model = :model ORDER BY {DISTANCE} LIMIT :n"
)
# Three scans of ix_vector_codes_list (each an index-only walk), not one OR, which PostgreSQL
# could only answer by visiting the heap: the probed lists, the untagged codes, the stale ones.
_PART = f"SELECT image_id, model, {DISTANCE} AS d FROM vector_codes WHERE model = :model AND "
LIST_SCAN = (
    f"SELECT image_id, model FROM ({_PART} list_no = ANY(CAST(:lists AS INTEGER[]))"
    f" UNION ALL {_PART} list_no IS NULL UNION ALL {_PART} list_no < :first) AS s"
    " ORDER BY d LIMIT :n"
)


class VectorIndexes:
    """The vector index of each model, reached as ``catalog.vectors``; built from the engine.

    On SQLite an index holds its codes in this process's memory: it is kept per ``VectorIndexes``
    object, which the catalog keeps (one per catalog), and goes with it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def open(self, model: str) -> VectorIndex:
        if self.engine.dialect.name == "postgresql":
            return ServerScan(self.engine, model)
        from ideovault.catalog.vector_sqlite import MemoryScan

        return MemoryScan.of(self, model)

    def fill_missing(self, model: str, *, page: int = 5_000) -> int:
        """Index embeddings that have no code (made by an older ideovault, or written around
        :func:`add`): the rebuild path, run by ``backfill``. Returns how many were added."""
        joined = image_embeddings.outerjoin(
            vector_codes,
            (vector_codes.c.image_id == image_embeddings.c.image_id)
            & (vector_codes.c.model == image_embeddings.c.model),
        )
        query = (
            select(image_embeddings.c.image_id, image_embeddings.c.vector)
            .select_from(joined)
            .where(image_embeddings.c.model == model, vector_codes.c.image_id.is_(None))
            .order_by(image_embeddings.c.image_id)
            .limit(page)
        )
        done = 0
        while True:
            with self.engine.begin() as conn:
                rows = [(str(i), bytes(v)) for i, v in conn.execute(query)]
                add(conn, model, rows)
            done += len(rows)
            if len(rows) < page:
                return done

    def train(self, model: str, *, lists: int | None = None) -> int:
        """PostgreSQL: train the model's inverted lists now and tag every code with its list
        (catalog/vector_lists.py). Returns how many lists; 0 on SQLite, which has none."""
        return vector_lists.train(self.engine, model, lists=lists)

    def train_if_due(self, model: str) -> int:
        """What ``backfill`` runs after embedding: train the lists if the model has grown
        enough for them (:func:`vector_lists.due`), else tag any code left in no current list.
        Returns how many lists were trained (0: none)."""
        if vector_lists.due(self.engine, model):
            return self.train(model)
        vector_lists.tag_untagged(self.engine, model)
        return 0
