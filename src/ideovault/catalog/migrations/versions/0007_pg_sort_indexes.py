"""PostgreSQL indexes that match the search's descending sorts exactly.

``sort:-size`` orders by ``size_bytes DESC NULLS LAST, id DESC`` (records without a size come
last either way). A backward scan of the plain ascending index yields ``DESC NULLS FIRST``, so
PostgreSQL sorted every row instead (45 ms at 100k). These indexes give the exact orders.
SQLite walks its one index in both directions with NULLs placed as asked; it needs nothing.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_images_size_desc": "size_bytes DESC NULLS LAST, id DESC",
    "ix_images_size_asc": "size_bytes ASC NULLS LAST, id ASC",
    "ix_images_seed_desc": "seed DESC NULLS LAST, id DESC",
    "ix_images_seed_asc": "seed ASC NULLS LAST, id ASC",
}


def upgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    for name, columns in INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON images ({columns})")


def downgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    for name in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
