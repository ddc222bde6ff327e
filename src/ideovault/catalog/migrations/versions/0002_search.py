"""Full-text search: a denormalised tags column, SQLite FTS5 kept in step by triggers,
PostgreSQL tsvector + GIN; an index for size ordering.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

FTS_COLUMNS = "prompt, expanded_prompt, negative_prompt, tags_text"
FTS_VALUES = (
    "new.rowid, new.prompt, coalesce(new.expanded_prompt, ''), "
    "coalesce(new.negative_prompt, ''), coalesce(new.tags_text, '')"
)

SQLITE = [
    f"CREATE VIRTUAL TABLE images_fts USING fts5({FTS_COLUMNS}, "
    "tokenize = 'unicode61 remove_diacritics 2')",
    # Triggers keep the index in step inside the same transaction as every write.
    f"CREATE TRIGGER images_fts_insert AFTER INSERT ON images BEGIN "
    f"INSERT INTO images_fts(rowid, {FTS_COLUMNS}) VALUES ({FTS_VALUES}); END",
    "CREATE TRIGGER images_fts_delete AFTER DELETE ON images BEGIN "
    "DELETE FROM images_fts WHERE rowid = old.rowid; END",
    f"CREATE TRIGGER images_fts_update AFTER UPDATE OF {FTS_COLUMNS} ON images BEGIN "
    "DELETE FROM images_fts WHERE rowid = old.rowid; "
    f"INSERT INTO images_fts(rowid, {FTS_COLUMNS}) VALUES ({FTS_VALUES}); END",
    f"INSERT INTO images_fts(rowid, {FTS_COLUMNS}) SELECT rowid, prompt, "
    "coalesce(expanded_prompt, ''), coalesce(negative_prompt, ''), coalesce(tags_text, '') "
    "FROM images",
]

POSTGRES = [
    # '<' and '>' are blanked first: PostgreSQL's parser would otherwise swallow "<script>"
    # as an XML tag, and people search their prompts for exactly such words.
    "ALTER TABLE images ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (to_tsvector("
    "'simple', regexp_replace(prompt || ' ' || coalesce(expanded_prompt, '') || ' ' || "
    "coalesce(negative_prompt, '') || ' ' || coalesce(tags_text, ''), '[<>]', ' ', 'g'))) "
    "STORED",
    "CREATE INDEX ix_images_search ON images USING gin (search_vector)",
]


def upgrade() -> None:
    op.add_column("images", sa.Column("tags_text", sa.Text))
    op.create_index("ix_images_size", "images", ["size_bytes"])
    op.execute(
        "UPDATE images SET tags_text = (SELECT "
        + ("string_agg(tag, ' ')" if op.get_context().dialect.name == "postgresql"
           else "group_concat(tag, ' ')")
        + " FROM image_tags WHERE image_tags.image_id = images.id)"
    )  # fmt: skip
    statements = SQLITE if op.get_context().dialect.name == "sqlite" else POSTGRES
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        for trigger in ("images_fts_insert", "images_fts_delete", "images_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS images_fts")
    else:
        op.drop_index("ix_images_search", "images")
        op.drop_column("images", "search_vector")
    op.drop_index("ix_images_size", "images")
    op.drop_column("images", "tags_text")
