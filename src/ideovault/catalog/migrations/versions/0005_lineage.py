"""Lineage and descriptions: each image says which operation made it; describe's texts are kept
and searched.

``parent_id`` existed from the start; the operation (generate, remix, edit, upload, ...) sits
on the image too, so a lineage tree or an ``op:`` filter needs no join with generations.
Descriptions are kept as JSON and, flattened into ``descriptions_text``, join the full-text
index: FTS5 tables cannot gain a column, so the SQLite index is rebuilt (once, here); the
PostgreSQL generated tsvector is re-created with the new column.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

OLD_COLUMNS = "prompt, expanded_prompt, negative_prompt, tags_text"
COLUMNS = "prompt, expanded_prompt, negative_prompt, tags_text, descriptions_text"


def _values(prefix: str) -> str:
    return (
        f"{prefix}prompt, coalesce({prefix}expanded_prompt, ''), "
        f"coalesce({prefix}negative_prompt, ''), coalesce({prefix}tags_text, ''), "
        f"coalesce({prefix}descriptions_text, '')"
    )


def sqlite_fts(columns: str, with_descriptions: bool) -> list[str]:
    values = _values("new.") if with_descriptions else _values("new.").rsplit(", coalesce(", 1)[0]
    rows = _values("") if with_descriptions else _values("").rsplit(", coalesce(", 1)[0]
    return [
        "DROP TRIGGER IF EXISTS images_fts_insert",
        "DROP TRIGGER IF EXISTS images_fts_delete",
        "DROP TRIGGER IF EXISTS images_fts_update",
        "DROP TABLE IF EXISTS images_fts",
        f"CREATE VIRTUAL TABLE images_fts USING fts5({columns}, "
        "tokenize = 'unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER images_fts_insert AFTER INSERT ON images BEGIN "
        f"INSERT INTO images_fts(rowid, {columns}) VALUES (new.rowid, {values}); END",
        "CREATE TRIGGER images_fts_delete AFTER DELETE ON images BEGIN "
        "DELETE FROM images_fts WHERE rowid = old.rowid; END",
        f"CREATE TRIGGER images_fts_update AFTER UPDATE OF {columns} ON images BEGIN "
        "DELETE FROM images_fts WHERE rowid = old.rowid; "
        f"INSERT INTO images_fts(rowid, {columns}) VALUES (new.rowid, {values}); END",
        f"INSERT INTO images_fts(rowid, {columns}) SELECT rowid, {rows} FROM images",
    ]


def postgres_vector(with_descriptions: bool) -> list[str]:
    text = (
        "prompt || ' ' || coalesce(expanded_prompt, '') || ' ' || "
        "coalesce(negative_prompt, '') || ' ' || coalesce(tags_text, '')"
    )
    if with_descriptions:
        text += " || ' ' || coalesce(descriptions_text, '')"
    return [
        "DROP INDEX IF EXISTS ix_images_search",
        "ALTER TABLE images DROP COLUMN IF EXISTS search_vector",
        # '<' and '>' are blanked: PostgreSQL's parser would swallow "<script>" as an XML tag.
        "ALTER TABLE images ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (to_tsvector("
        f"'simple', regexp_replace({text}, '[<>]', ' ', 'g'))) STORED",
        "CREATE INDEX ix_images_search ON images USING gin (search_vector)",
    ]


def upgrade() -> None:
    op.add_column("images", sa.Column("operation", sa.String(40)))
    op.add_column("images", sa.Column("descriptions", sa.JSON))
    op.add_column("images", sa.Column("descriptions_text", sa.Text))
    op.create_index("ix_images_operation", "images", ["operation"])
    sqlite = op.get_context().dialect.name == "sqlite"
    for statement in sqlite_fts(COLUMNS, True) if sqlite else postgres_vector(True):
        op.execute(statement)


def downgrade() -> None:
    sqlite = op.get_context().dialect.name == "sqlite"
    for statement in sqlite_fts(OLD_COLUMNS, False) if sqlite else postgres_vector(False):
        op.execute(statement)
    op.drop_index("ix_images_operation", "images")
    op.drop_column("images", "descriptions_text")
    op.drop_column("images", "descriptions")
    op.drop_column("images", "operation")
