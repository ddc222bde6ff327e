"""The database server's clock as a SQL expression, for every time that machines compare.

A lease written by one machine and judged by another is only fair if both read the same
clock: a worker whose clock runs five minutes fast would otherwise take live items (their
expiry is "past" to it) and write leases that outlive it by five minutes; one that runs slow
would never see a dead worker's lease run out. So lease times are computed *in* the database
(``now()`` on PostgreSQL; on SQLite ``'now'`` in the storage format SQLAlchemy uses, so the
stored strings compare correctly), and no machine's clock takes part.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import DateTime


class db_time(FunctionElement[datetime]):
    """The database's current time plus ``seconds`` (negative for the past)."""

    type = DateTime(timezone=True)
    inherit_cache = True
    name = "db_time"

    def __init__(self, seconds: float = 0.0) -> None:
        super().__init__(literal(float(seconds), Float()))


@compiles(db_time, "sqlite")
def _sqlite(element: db_time, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLAlchemy stores DATETIME on SQLite as 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC here): %f gives
    # SS.SSS, and three zeros make the microseconds, so the strings order as the times do.
    seconds = compiler.process(element.clauses, **kw)
    return f"strftime('%Y-%m-%d %H:%M:%f000', 'now', printf('%.6f seconds', {seconds}))"


@compiles(db_time, "postgresql")
def _postgresql(element: db_time, compiler: SQLCompiler, **kw: Any) -> str:
    seconds = compiler.process(element.clauses, **kw)
    return f"(now() + CAST({seconds} AS double precision) * interval '1 second')"


@compiles(db_time)
def _other(element: db_time, compiler: SQLCompiler, **kw: Any) -> str:
    raise NotImplementedError(f"no database clock for {compiler.dialect.name}")
