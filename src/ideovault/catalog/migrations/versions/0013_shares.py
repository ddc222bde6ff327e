"""Shared read-only links, and each image's creator (a person dimension of the report).

Revision ID: 0013
Revises: 0012

``shares`` keeps only the SHA-256 of a link's secret, like ``api_keys``. ``images.creator`` is
the name of whoever generated, uploaded or imported the image; it is filled for the images that
exist from the audit log's ``generate`` entries (what ``by:`` searched until now; it reads the
column from here on), and stays when the person is disabled. The report's totals gain a
``person`` dimension (frozen here, as in 0009 and 0011, so that a later dimension never reaches
back into this revision).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from ideovault.catalog import aggregates

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

BEFORE = tuple(d for d in aggregates.DIMENSIONS if d.name in
               ("model", "style", "aspect", "month", "status", "rating"))  # fmt: skip
DIMENSIONS = (*BEFORE, *(d for d in aggregates.DIMENSIONS if d.name == "person"))

ID = sa.String(36).with_variant(sa.String(36, collation="C"), "postgresql")

BACKFILL = (
    "UPDATE images SET creator = (SELECT a.actor FROM audit_log AS a"
    " WHERE a.action = 'generate' AND a.target = images.generation_id ORDER BY a.id LIMIT 1)"
    " WHERE creator IS NULL"
)


def upgrade() -> None:
    op.create_table(
        "shares",
        sa.Column("id", ID, primary_key=True),
        sa.Column("secret_sha256", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("label", sa.String(200)),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
    )
    op.add_column("images", sa.Column("creator", sa.String(64)))
    op.create_index("ix_images_creator", "images", ["creator"])
    op.create_index("ix_audit_log_target", "audit_log", ["target"])
    bind = op.get_bind()
    bind.exec_driver_sql(BACKFILL)  # before the new triggers: the old ones ignore the column
    aggregates.install(bind, DIMENSIONS)


def downgrade() -> None:
    aggregates.install(op.get_bind(), BEFORE)
    op.drop_index("ix_audit_log_target", "audit_log")
    op.drop_index("ix_images_creator", "images")
    # A plain DROP COLUMN (SQLite 3.35+), not a batch copy of the table: the copy would drop
    # the table's full-text and report triggers with the old table.
    op.get_bind().exec_driver_sql("ALTER TABLE images DROP COLUMN creator")
    op.drop_table("shares")
