"""The report's running totals, kept exact by triggers, counted once from the existing rows.

See ``catalog/aggregates.py`` for the rules. The dimensions are frozen here as they were at
this revision, so that a later dimension (with its own migration) never reaches back into this
one and names a column that does not exist yet.

Revision ID: 0009
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from ideovault.catalog import aggregates

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None

DIMENSIONS = tuple(d for d in aggregates.DIMENSIONS if d.name in
                   ("model", "style", "aspect", "month", "status"))  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "report_totals",
        sa.Column("dimension", sa.String(16), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("model", sa.String(40), primary_key=True),
        sa.Column("speed", sa.String(20), primary_key=True),
        sa.Column("images", sa.BigInteger, nullable=False),
        sa.Column("bytes", sa.BigInteger, nullable=False),
    )
    aggregates.install(op.get_bind(), DIMENSIONS)


def downgrade() -> None:
    aggregates.uninstall(op.get_bind())
    op.drop_table("report_totals")
