"""``sort:relevance`` on SQLite when several words are very common: a cheaper score than bm25.

FTS5's ``bm25()`` begins every query by counting, for each phrase, the rows that contain it —
a scan of that phrase's whole doclist. One word found in most rows costs ~15 ms at a million
rows; two such words cost ~30. For those queries (``search_plan`` decides: at least two
phrases each in ``MANY_MATCHES`` rows or more) the window of the newest matches is scored
here instead, with the parts of BM25 that still tell rows apart: each word's inverse document
frequency (from a capped count) times the weight of every column it appears in. Which column a
word sits in is asked of FTS5 itself, with column filters bounded to the window's rowid range,
so tokenisation is exactly FTS5's. Term frequency and length normalisation are left out: in
prompts a common word rarely repeats, and at these frequencies bm25's own IDF is near its floor.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, literal_column, select, text

from ideovault.catalog.schema import images

# The newest matches scored. Smaller than bm25's window: the column look-ups below read every
# match in the window's rowid range, which for two words in a quarter of all rows each is 16x
# the window's size.
WINDOW = 500
COLUMNS = ("prompt", "expanded_prompt", "negative_prompt", "tags_text", "descriptions_text")
WEIGHTS = (1.0, 0.6, 0.2, 0.8, 0.5)  # the same weights bm25 is given in search.py


@dataclass(frozen=True)
class CommonWordsPlan:
    """What ``search.build`` hands over when relevance is to be scored here."""

    where: list[ColumnElement[bool]]
    expression: str  # the FTS5 MATCH string (positive terms, NOT negatives)
    phrases: list[str]  # each positive term as a quoted FTS5 phrase
    counts: list[int]  # each phrase's match count, capped
    limit: int
    offset: int
    window: int


def run(conn: Connection, plan: CommonWordsPlan) -> list[dict[str, Any]]:
    """The page's rows (mappings like a SELECT's, with ``_key`` and ``_rank``), best first."""
    window = (
        select(literal_column("rowid"))
        .select_from(text("images_fts"))
        .where(text("images_fts MATCH :fts_rank").bindparams(fts_rank=plan.expression))
        .order_by(literal_column("rowid").desc())
        .limit(plan.window)
        .scalar_subquery()
    )
    key: Any = literal_column("images.rowid")
    candidates = [
        int(k) for k in conn.execute(select(key).where(key.in_(window), *plan.where)).scalars()
    ]
    if not candidates:
        return []
    low, high = min(candidates), max(candidates)
    total = int(conn.execute(select(func.max(key)).select_from(images)).scalar_one() or 1)
    scores = dict.fromkeys(candidates, 0.0)
    for phrase, count in zip(plan.phrases, plan.counts, strict=True):
        idf = max(1e-6, math.log((total - count + 0.5) / (count + 0.5)))
        for column, weight in zip(COLUMNS, WEIGHTS, strict=True):
            for rowid in _rows_with(conn, f"{column} : {phrase}", low, high):
                if rowid in scores:
                    scores[rowid] += idf * weight
    ranked = sorted(scores.items(), key=lambda item: (-item[1], -item[0]))
    page = ranked[plan.offset : plan.offset + plan.limit + 1]
    return _fetch(conn, page)


def _rows_with(conn: Connection, expression: str, low: int, high: int) -> list[int]:
    query: Any = (
        select(literal_column("rowid"))
        .select_from(text("images_fts"))
        .where(text("images_fts MATCH :col_fts").bindparams(col_fts=expression))
        .where(literal_column("rowid").between(low, high))
    )
    return [int(r) for r in conn.execute(query).scalars()]


def _fetch(conn: Connection, page: list[tuple[int, float]]) -> list[dict[str, Any]]:
    if not page:
        return []
    key: Any = literal_column("images.rowid")
    rows = conn.execute(
        select(images, key.label("_key")).where(key.in_([k for k, _ in page]))
    ).mappings()
    by_key = {int(r["_key"]): dict(r) for r in rows}
    return [{**by_key[k], "_rank": -score} for k, score in page if k in by_key]
