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
  codes table, so the searching process holds only the candidates whatever the row count.

Writes go through :func:`add` in the transaction that stores the embeddings; deleting an
embedding (or its image) deletes its code by cascade.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
from sqlalchemy import Connection, Engine, bindparam, insert, select, text

from ideovault.catalog.schema import image_embeddings, vector_codes
from ideovault.catalog.vector_math import MAX_CANDIDATES as MAX_CANDIDATES
from ideovault.catalog.vector_math import MIN_CANDIDATES as MIN_CANDIDATES
from ideovault.catalog.vector_math import OVERSAMPLE as OVERSAMPLE
from ideovault.catalog.vector_math import candidates as candidates
from ideovault.catalog.vector_math import quantize as quantize
from ideovault.catalog.vector_math import rerank as rerank


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
    vectors = np.frombuffer(b"".join(v for _, v in rows), dtype=np.float32).reshape(len(rows), -1)
    values = _code_values(conn.dialect.name, vectors)
    params = [{"i": i, "m": model, "c": c} for (i, _), c in zip(rows, values, strict=True)]
    if conn.dialect.name == "sqlite":
        conn.execute(SQLITE_ADD, params)
    else:
        conn.execute(
            insert(vector_codes).values(
                image_id=bindparam("i"), model=bindparam("m"), code=bindparam("c")
            ),
            params,
        )


SQLITE_ADD = text(
    "INSERT INTO vector_codes (rowid, image_id, model, code) SELECT rowid, image_id, model, :c"
    " FROM image_embeddings WHERE image_id = :i AND model = :m"
)


class ServerScan:
    """PostgreSQL: the Hamming scan runs in the server (``bit_count`` of an XOR, PostgreSQL
    14+), which sorts with a bounded top-N heap; this process receives only the candidates."""

    kind = "binary codes scanned in PostgreSQL, exact re-rank"

    def __init__(self, engine: Engine, model: str) -> None:
        self.engine = engine
        self.model = model

    def search(self, query: np.ndarray, limit: int) -> list[tuple[str, float]]:
        if limit < 1:
            return []
        (code,) = _bit_strings(quantize(query))
        sql = text(
            "SELECT e.image_id, e.vector FROM ("
            "  SELECT image_id, model FROM vector_codes WHERE model = :model"
            "  ORDER BY bit_count(code # CAST(:code AS BIT VARYING)) LIMIT :n"
            ") AS c JOIN image_embeddings e ON e.image_id = c.image_id AND e.model = c.model"
            " JOIN images i ON i.id = c.image_id WHERE i.trashed_at IS NULL"
        )
        with self.engine.connect() as conn:
            rows = conn.execute(sql, {"model": self.model, "code": code, "n": candidates(limit)})
            found = [(str(i), bytes(v)) for i, v in rows]
        return rerank(found, query, limit)


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
