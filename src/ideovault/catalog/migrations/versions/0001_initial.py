"""The first catalog: generations, images, image tags.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
ID = sa.String(36).with_variant(sa.String(36, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "generations",
        sa.Column("id", ID, primary_key=True),
        sa.Column("endpoint", sa.String(120), nullable=False),
        sa.Column("operation", sa.String(40), nullable=False),
        sa.Column("model", sa.String(40), nullable=False),
        sa.Column("request", sa.JSON, nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("owner", sa.String(200)),
        sa.Column("num_images", sa.Integer, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("answered_at", TZ),
        sa.Column("response", sa.JSON),
        sa.Column("cost_usd", sa.Float),
    )
    op.create_index("ix_generations_fingerprint", "generations", ["fingerprint"])
    op.create_index("ix_generations_status", "generations", ["status"])
    op.create_table(
        "images",
        sa.Column("id", ID, primary_key=True),
        sa.Column("generation_id", ID, sa.ForeignKey("generations.id"), nullable=False),
        sa.Column("idx", sa.Integer, nullable=False),
        sa.Column("prompt", sa.Text, nullable=False),
        sa.Column("expanded_prompt", sa.Text),
        sa.Column("negative_prompt", sa.Text),
        sa.Column("model", sa.String(40), nullable=False),
        sa.Column("style_type", sa.String(40)),
        sa.Column("aspect_ratio", sa.String(10)),
        sa.Column("rendering_speed", sa.String(20)),
        sa.Column("magic_prompt", sa.String(10)),
        sa.Column("seed", sa.BigInteger),
        sa.Column("resolution", sa.String(20)),
        sa.Column("is_safe", sa.Boolean, nullable=False),
        sa.Column("original_url", sa.Text),
        sa.Column("url_expires_at", TZ),
        sa.Column("stored_uri", sa.Text),
        sa.Column("blob_key", sa.String(200)),
        sa.Column("sha256", sa.String(64)),
        sa.Column("size_bytes", sa.BigInteger),
        sa.Column("width", sa.Integer),
        sa.Column("height", sa.Integer),
        sa.Column("mime", sa.String(40)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("starred", sa.Boolean, nullable=False),
        sa.Column("parent_id", ID, sa.ForeignKey("images.id")),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("stored_at", TZ),
        sa.Column("trashed_at", TZ),
    )
    for name, cols in {
        "ix_images_generation": ["generation_id"],
        "ix_images_status": ["status"],
        "ix_images_created": ["created_at"],
        "ix_images_seed": ["seed"],
        "ix_images_model": ["model"],
        "ix_images_sha256": ["sha256"],
        "ix_images_parent": ["parent_id"],
    }.items():
        op.create_index(name, "images", cols)
    op.create_table(
        "image_tags",
        sa.Column(
            "image_id",
            ID,
            sa.ForeignKey("images.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("tag", sa.String(64), primary_key=True),
    )
    op.create_index("ix_image_tags_tag", "image_tags", ["tag"])


def downgrade() -> None:
    op.drop_table("image_tags")
    op.drop_table("images")
    op.drop_table("generations")
