"""Sessions of people signed in with OpenID Connect: a session names a key or a user.

A gallery session used to come only from a personal key (``key_id``). Someone signed in by
the team's identity provider has no key, so a session may name its user instead: exactly one
of ``key_id`` and ``user_id`` is set. Disabling the user, or revoking the key, ends it.

Revision ID: 0014
Revises: 0013

Self-contained on purpose (no import of ``schema``): a migration describes the schema as it was
when it was written, so later changes to ``schema.py`` cannot rewrite history.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

ID = sa.String(36).with_variant(sa.String(36, collation="C"), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.alter_column("key_id", existing_type=ID, nullable=True)
        batch.add_column(sa.Column("user_id", ID, nullable=True))
        batch.create_foreign_key(
            "fk_sessions_user", "users", ["user_id"], ["id"], ondelete="CASCADE"
        )


def downgrade() -> None:
    op.execute("DELETE FROM sessions WHERE key_id IS NULL")
    with op.batch_alter_table("sessions") as batch:
        batch.drop_constraint("fk_sessions_user", type_="foreignkey")
        batch.drop_column("user_id")
        batch.alter_column("key_id", existing_type=ID, nullable=False)
