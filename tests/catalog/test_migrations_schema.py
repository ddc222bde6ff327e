"""The migrations build exactly the tables, columns, types, defaults and indexes of
``catalog/schema.py``, on SQLite and on PostgreSQL (issue 14: the two must never drift).

Compared with Alembic's own autogenerate comparison on a catalog migrated from empty. What the
migrations make on purpose outside the metadata is named here, each with its reason; triggers
(migration 0009's running totals) are not part of a metadata comparison at all.
"""

from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, Index, text

from ideovault.catalog import engine as catalog_engine
from ideovault.catalog.schema import metadata

# Text search, made by migration 0002 per database and queried as text (catalog/search.py):
# SQLite's FTS5 table and its shadow tables; PostgreSQL's generated tsvector and its GIN index.
SEARCH_TABLES = ("images_fts",)
SEARCH_COLUMNS = {("images", "search_vector")}
SEARCH_INDEXES = {"ix_images_search"}


def _made_for(index: Index, dialect: str) -> bool:
    """False for an index the schema declares for another database only (``ddl_if``)."""
    only = getattr(index, "_ddl_if", None)
    return only is None or only.dialect in (None, dialect)


def _differences(engine: Engine) -> list[Any]:
    dialect = engine.dialect.name

    def include(obj: Any, name: str | None, kind: str, reflected: bool, _other: Any) -> bool:
        if kind == "table" and name and name.startswith(SEARCH_TABLES):
            return False
        if kind == "column" and (obj.table.name, name) in SEARCH_COLUMNS:
            return False
        if kind == "index" and name in SEARCH_INDEXES:
            return False
        return not (kind == "index" and not reflected and not _made_for(obj, dialect))

    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={"compare_type": True, "compare_server_default": True, "include_object": include},
        )
        return list(compare_metadata(context, metadata))


def test_the_migrations_build_the_schema(catalog_url: str) -> None:
    engine = catalog_engine.create(catalog_url)
    try:
        catalog_engine.migrate(engine)
        assert catalog_engine.current_revision(engine) == catalog_engine.HEAD
        assert _differences(engine) == []
        # The comparison sees indexes: one dropped by hand is reported.
        with engine.begin() as conn:
            conn.execute(text("DROP INDEX ix_images_model"))
        assert [d[0] for d in _differences(engine)] == ["add_index"]
    finally:
        engine.dispose()


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_the_postgresql_only_indexes_are_declared_for_postgresql(dialect: str) -> None:
    """The filter above leaves out only what the schema itself says is for the other database."""
    images = metadata.tables["images"]
    left_out = {i.name for i in images.indexes if not _made_for(i, dialect)}
    expected = set() if dialect == "postgresql" else {
        "ix_images_size_desc", "ix_images_size_asc", "ix_images_seed_desc", "ix_images_seed_asc",
    }  # fmt: skip
    assert left_out == expected
