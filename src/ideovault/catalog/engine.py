"""Engines for the catalog: URL handling, SQLite pragmas, and migrations on open.

SQLite gets WAL (readers never block the writer), foreign keys, a long busy timeout, and
``BEGIN IMMEDIATE`` for every transaction so that several processes writing one file wait at
the start of a transaction instead of failing with "database is locked" half-way through.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from ideovault.errors import IdeovaultError, MissingExtra, UserError

MIGRATIONS = Path(__file__).with_name("migrations")
# The newest migration. Kept as a constant so that opening an up-to-date catalog costs one
# query and no Alembic import (a test checks it matches the migrations folder).
HEAD = "0016"


def normalize_url(url: str) -> str:
    """Accept ``postgres://`` and ``postgresql://`` and use the psycopg 3 driver for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def display_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<invalid database URL>"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy's own transaction handling be replaced by explicit BEGIN (see below).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _sqlite_begin(conn: Any) -> None:
    # Reads marked read_only (search, the REST list route) begin deferred: BEGIN IMMEDIATE
    # takes the write lock, so concurrent searches queued behind one another in SQLite's
    # busy-wait sleeps (200 clients waited seconds for a 19-image page).
    if conn.get_execution_options().get("read_only"):
        conn.exec_driver_sql("BEGIN")
    else:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


class _SQLiteHints(SQLiteCompiler):
    """SQLAlchemy's SQLite compiler drops table hints; this one writes them after the table,
    so search can say ``images INDEXED BY ix_images_size`` when its planner knows better."""

    def get_from_hint_text(self, table: Any, text: str | None) -> str | None:
        return text


def create(url: str) -> Engine:
    url = normalize_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise UserError(f"not a database URL: {display_url(url)}") from None
    try:
        backend = parsed.get_backend_name()
        if backend == "sqlite" and parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(
            f"cannot make the catalog's folder for {display_url(url)} ({exc.strerror or exc})"
        ) from None
    except ArgumentError:
        raise UserError(f"not a database URL: {display_url(url)}") from None
    if backend == "sqlite":
        engine = create_engine(
            parsed, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=8
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        engine.dialect.statement_compiler = _SQLiteHints
        return engine
    try:
        return create_engine(parsed, pool_pre_ping=True, pool_size=5, max_overflow=10)
    except NoSuchModuleError:
        raise UserError(
            f"unknown kind of database in {display_url(url)}; use sqlite:///PATH or postgresql://…"
        ) from None
    except ArgumentError as exc:
        raise UserError(f"not a usable database URL: {display_url(url)} ({exc})") from None
    except ImportError as exc:
        if parsed.get_backend_name() == "postgresql":
            raise MissingExtra("postgres", "a PostgreSQL database URL", exc.name) from None
        raise UserError(
            f"the database driver for {parsed.get_backend_name()} is not installed ({exc}); "
            "ideovault supports SQLite and PostgreSQL"
        ) from None


# What any catalog call raises when the database itself fails (unreachable, full, read-only,
# not a database), so that the vault can name it without reaching into SQLAlchemy.
DatabaseFailure = DBAPIError

MIGRATION_LOCK = 0x1DE0_7A17  # an arbitrary advisory-lock key for ideovault's migrations


def _revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    value = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return None if value is None else str(value)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return _revision(conn)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision; a no-op (one query) when it already is."""
    try:
        if current_revision(engine) == HEAD:
            return
        from alembic import command  # only when there is work to do: it is slow to import
        from alembic.config import Config

        with engine.connect() as conn:
            # Several processes may open a new catalog at once: take a lock for the length of
            # this transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock), then
            # look again, so exactly one of them migrates and the others find it done.
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
            else:
                conn.exec_driver_sql("SELECT 1")  # starts the write transaction
            if _revision(conn) != HEAD:
                config = Config()
                config.set_main_option("script_location", str(MIGRATIONS))
                config.attributes["connection"] = conn
                command.upgrade(config, "head")
            conn.commit()
    except DBAPIError as exc:  # unreachable, not a database, read-only, disk full
        raise IdeovaultError(
            f"cannot open the catalog at {display_url(str(engine.url))}: {exc.orig}"
        ) from None
