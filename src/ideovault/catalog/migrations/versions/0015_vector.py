"""The vector index of semantic search: binary codes of the prompt embeddings.

Revision ID: 0015
Revises: 0014

Self-contained on purpose (no import of ``schema`` or ``vector_index``): a migration describes
the schema as it was when it was written. The codes of embeddings made before this revision are
computed here, a page at a time, so that an upgraded vault searches through the index at once.
"""

from __future__ import annotations

import numpy as np
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import BIT

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

ID = sa.String(36).with_variant(sa.String(36, collation="C"), "postgresql")
PAGE = 10_000


def upgrade() -> None:
    op.create_table(
        "vector_codes",
        sa.Column("image_id", ID, primary_key=True),
        sa.Column("model", sa.String(80), primary_key=True),
        sa.Column(
            "code", sa.LargeBinary().with_variant(BIT(varying=True), "postgresql"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["image_id", "model"],
            ["image_embeddings.image_id", "image_embeddings.model"],
            ondelete="CASCADE",
        ),
    )
    op.create_table("vector_state", sa.Column("generation", sa.BigInteger, nullable=False))
    conn = op.get_bind()
    conn.execute(sa.text("INSERT INTO vector_state (generation) VALUES (0)"))
    postgres = conn.dialect.name == "postgresql"
    if not postgres:
        op.execute(
            "CREATE TRIGGER vector_codes_deleted AFTER DELETE ON vector_codes "
            "BEGIN UPDATE vector_state SET generation = generation + 1; END"
        )
    after = ("", "")
    while True:
        rows = conn.execute(
            sa.text(
                "SELECT image_id, model, vector FROM image_embeddings "
                "WHERE (image_id > :i) OR (image_id = :i AND model > :m) "
                "ORDER BY image_id, model LIMIT :n"
            ),
            {"i": after[0], "m": after[1], "n": PAGE},
        ).all()
        if not rows:
            break
        after = (rows[-1][0], rows[-1][1])
        values = []
        for image_id, model, vector in rows:
            bits = np.frombuffer(bytes(vector), dtype=np.float32) > 0
            packed = np.packbits(bits).tobytes()
            text_form = (bits.astype(np.uint8) + ord("0")).tobytes().decode("ascii")
            values.append({"i": image_id, "m": model, "c": text_form if postgres else packed})
        # SQLite: a code takes its embedding's rowid (catalog/vector_index.py says why)
        sql = (
            "INSERT INTO vector_codes (image_id, model, code)"
            " VALUES (:i, :m, CAST(:c AS BIT VARYING))"
            if postgres
            else "INSERT INTO vector_codes (rowid, image_id, model, code)"
            " SELECT rowid, image_id, model, :c FROM image_embeddings"
            " WHERE image_id = :i AND model = :m"
        )
        conn.execute(sa.text(sql), values)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        op.execute("DROP TRIGGER IF EXISTS vector_codes_deleted")
    op.drop_table("vector_state")
    op.drop_table("vector_codes")
