"""Curation: a 1-5 rating per image, and albums (named collections that reference images).

Revision ID: 0011
Revises: 0009

Self-contained on purpose (no import of ``schema``): a migration describes the schema as it was
when it was written. Album memberships go with their album (and with a purged image); an
album's cover becomes NULL when its image is purged.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from ideovault.catalog import aggregates

revision = "0011"
down_revision = "0009"
branch_labels = None
depends_on = None

# The report's totals gain a rating dimension (frozen here, as in 0009, so that a later
# dimension never reaches back into this revision).
BEFORE = tuple(d for d in aggregates.DIMENSIONS if d.name in
               ("model", "style", "aspect", "month", "status"))  # fmt: skip
DIMENSIONS = (*BEFORE, *(d for d in aggregates.DIMENSIONS if d.name == "rating"))

ID = sa.String(36).with_variant(sa.String(36, collation="C"), "postgresql")


def upgrade() -> None:
    op.add_column("images", sa.Column("rating", sa.SmallInteger))
    op.create_index("ix_images_rating", "images", ["rating"])
    op.create_table(
        "albums",
        sa.Column("id", ID, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cover_id", ID, sa.ForeignKey("images.id", ondelete="SET NULL")),
        sa.UniqueConstraint("name", name="uq_albums_name"),
    )
    op.create_table(
        "album_images",
        sa.Column("album_id", ID, sa.ForeignKey("albums.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("image_id", ID, sa.ForeignKey("images.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_album_images_image", "album_images", ["image_id"])
    aggregates.install(op.get_bind(), DIMENSIONS)


def downgrade() -> None:
    aggregates.install(op.get_bind(), BEFORE)
    op.drop_table("album_images")
    op.drop_table("albums")
    op.drop_index("ix_images_rating", "images")
    with op.batch_alter_table("images") as batch:
        batch.drop_column("rating")
