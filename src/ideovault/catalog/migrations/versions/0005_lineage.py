"""Lineage and descriptions: each image says which operation made it; describe's texts are kept.

``parent_id`` existed from the start; the operation (generate, remix, edit, upload, ...) sits
on the image too, so a lineage tree or an ``op:`` filter needs no join with generations.

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


def upgrade() -> None:
    op.add_column("images", sa.Column("operation", sa.String(40)))
    op.add_column("images", sa.Column("descriptions", sa.JSON))
    op.create_index("ix_images_operation", "images", ["operation"])


def downgrade() -> None:
    op.drop_index("ix_images_operation", "images")
    op.drop_column("images", "descriptions")
    op.drop_column("images", "operation")
