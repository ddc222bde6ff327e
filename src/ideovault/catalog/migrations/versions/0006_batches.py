"""Batches: one job per batch file, one item per request, claimed by workers with a lease.

Revision ID: 0006
Revises: 0005

Self-contained on purpose (no import of ``schema``): a migration describes the schema as it was
when it was written, so later changes to ``schema.py`` cannot rewrite history.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

ID = sa.String(36).with_variant(sa.String(36, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "batches",
        sa.Column("id", ID, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("source", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("total_items", sa.Integer, nullable=False),
        sa.Column("total_images", sa.Integer, nullable=False),
        sa.Column("estimated_usd", sa.Float, nullable=False),
        sa.Column("options", sa.JSON, nullable=False),
    )
    op.create_table(
        "batch_items",
        sa.Column("id", ID, primary_key=True),
        sa.Column("batch_id", ID, sa.ForeignKey("batches.id", ondelete="CASCADE"), nullable=False),
        sa.Column("line_no", sa.Integer, nullable=False),
        sa.Column("repeat_index", sa.Integer, nullable=False),
        sa.Column("request", sa.JSON, nullable=False),
        sa.Column("num_images", sa.Integer, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("claimed_by", sa.String(200)),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True)),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("generation_id", ID, sa.ForeignKey("generations.id")),
        sa.Column("error", sa.Text),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("batch_id", "line_no", "repeat_index", name="uq_batch_items_line"),
    )
    op.create_index("ix_batch_items_batch_status", "batch_items", ["batch_id", "status"])
    op.create_index("ix_batch_items_status", "batch_items", ["status"])
    op.create_index("ix_batch_items_generation", "batch_items", ["generation_id"])


def downgrade() -> None:
    op.drop_table("batch_items")
    op.drop_table("batches")
