"""Inverted lists for the vector index on PostgreSQL: centroids per model, and the list of each
code (catalog/vector_lists.py).

Revision ID: 0016
Revises: 0015

The tables and the column are made on both databases (so that the schema is one), but only
PostgreSQL fills them: SQLite scans its codes in memory and never reads a list. The index on
(model, list_no) is PostgreSQL's only; it carries each code and image id too, so that scanning a
few lists is an index-only walk rather than a visit of every heap page. Every code starts
without a list: ``backfill`` trains the lists once a model has enough vectors.

Self-contained on purpose (no import of ``schema``): a migration describes the schema as it was
when it was written.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "vector_lists",
        sa.Column("model", sa.String(80), primary_key=True),
        sa.Column("list_no", sa.Integer, primary_key=True),
        sa.Column("centroid", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "vector_training",
        sa.Column("model", sa.String(80), primary_key=True),
        sa.Column("first_list", sa.Integer, nullable=False),
        sa.Column("lists", sa.Integer, nullable=False),
        sa.Column("trained_rows", sa.BigInteger, nullable=False),
    )
    op.add_column("vector_codes", sa.Column("list_no", sa.Integer, nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            "ix_vector_codes_list",
            "vector_codes",
            ["model", "list_no"],
            postgresql_include=["image_id", "code"],
        )
        # An index-only scan reads the heap for rows on pages not marked all-visible, which
        # only VACUUM marks: autovacuum the codes after 2% new rows, not PostgreSQL's 20%.
        op.execute("ALTER TABLE vector_codes SET (autovacuum_vacuum_insert_scale_factor = 0.02)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_vector_codes_list", table_name="vector_codes")
        op.execute("ALTER TABLE vector_codes RESET (autovacuum_vacuum_insert_scale_factor)")
    # Dropped in place (SQLite 3.35+), not by a batch copy of the table: that would renumber
    # the codes' rowids, which on SQLite are their embeddings' (catalog/vector_index.py).
    op.drop_column("vector_codes", "list_no")
    op.drop_table("vector_training")
    op.drop_table("vector_lists")
