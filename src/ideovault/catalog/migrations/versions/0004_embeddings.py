"""Prompt embeddings for semantic search (optional extra), one row per image and model.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

ID = sa.String(36).with_variant(sa.String(36, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "image_embeddings",
        sa.Column("image_id", ID, sa.ForeignKey("images.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("model", sa.String(80), primary_key=True),
        sa.Column("vector", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("image_embeddings")
