"""Perceptual hashes of stored images, for "similar" and near-duplicate search.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("images", sa.Column("phash", sa.String(16)))
    op.create_index("ix_images_phash", "images", ["phash"])


def downgrade() -> None:
    op.drop_index("ix_images_phash", "images")
    op.drop_column("images", "phash")
