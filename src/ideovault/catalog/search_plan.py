"""Cheap look-ahead queries that let SQLite search choose a plan (see ``catalog/search.py``).

FTS5 answers "which rows contain this word" in rowid order. That is the fastest plan for a
page of the newest matches, but two shapes defeat it at a million rows:

* Text sorted by another column (``fox sort:-size``): collecting every match and sorting costs
  ~1 µs a match. When a word matches many rows it is far cheaper to walk the column's index and
  probe FTS5 for each row (a rowid probe is a seek), since a match turns up every few rows.
  A capped count (it stops at ``MANY_MATCHES``) picks the plan; it costs well under a millisecond.
* Text with a date range in the past: walking matches newest first passes every newer match
  before reaching the range. The rowids of the rows in the range bound the walk exactly; they
  are looked up only when the range holds at most ``BOUNDED_RANGE`` rows, so the look-up stays
  a few milliseconds.

On PostgreSQL, ``sort:relevance`` of two or more very common words ranks the newest
``ranking.WINDOW`` matches instead of ``RELEVANCE_WINDOW``: each candidate costs a tsvector
check on its row, and two words in a tenth of all rows took 150 ms for 2,000 of them.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, literal_column, select, text

from ideovault.catalog.schema import images

MANY_MATCHES = 30_000
BOUNDED_RANGE = 100_000


def many_matches(conn: Connection, expression: str) -> bool:
    """Whether the FTS5 expression matches at least ``MANY_MATCHES`` rows."""
    return match_count(conn, expression) >= MANY_MATCHES


def match_count(conn: Connection, expression: str) -> int:
    """How many rows the FTS5 expression matches, counting no further than ``MANY_MATCHES``."""
    cap = MANY_MATCHES
    hits = (
        select(literal_column("1"))
        .select_from(text("images_fts"))
        .where(text("images_fts MATCH :plan_fts").bindparams(plan_fts=expression))
        .limit(cap)
        .subquery()
    )
    return int(conn.execute(select(func.count()).select_from(hits)).scalar_one())


def rowid_bounds(
    conn: Connection, after: datetime | None, before: datetime | None, cap: int | None = None
) -> tuple[int, int] | None:
    """The smallest and largest rowid of the rows created in [after, before), when there are
    at most ``cap`` of them; ``None`` when there are more (or no range was given)."""
    if after is None and before is None:
        return None
    cap = cap or BOUNDED_RANGE
    rowid: Any = literal_column("images.rowid")
    inner = select(rowid.label("r"))
    if after is not None:
        inner = inner.where(images.c.created_at >= after)
    if before is not None:
        inner = inner.where(images.c.created_at < before)
    sub = inner.limit(cap + 1).subquery()
    count, low, high = conn.execute(
        select(func.count(), func.min(sub.c.r), func.max(sub.c.r))
    ).one()
    if count > cap:
        return None
    if count == 0:
        return (1, 0)  # an empty range: nothing can match
    return (int(low), int(high))


def pg_estimated_rows(conn: Connection, where: list[Any]) -> int:
    """PostgreSQL's own estimate of the rows ``where`` matches (one EXPLAIN, no execution;
    the GIN statistics know each word's frequency), to spot very common words cheaply."""
    stmt: Any = select(literal_column("1")).select_from(images).where(*where)
    compiled = stmt.compile(dialect=conn.dialect)
    plan: Any = conn.exec_driver_sql(
        "EXPLAIN (FORMAT JSON) " + str(compiled), compiled.params
    ).scalar_one()
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])
