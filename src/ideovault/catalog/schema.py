"""The catalog's tables (SQLAlchemy Core). Migrations in ``migrations/`` must match this file."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import BIT

metadata = MetaData()

# Ids compare byte-wise everywhere (prefix lookups are range scans of the primary key), so on
# PostgreSQL they use the "C" collation whatever the database's default is.
ID = String(36).with_variant(String(36, collation="C"), "postgresql")

generations = Table(
    "generations",
    metadata,
    Column("id", ID, primary_key=True),
    Column("endpoint", String(120), nullable=False),
    Column("operation", String(40), nullable=False),
    Column("model", String(40), nullable=False),
    Column("request", JSON, nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("status", String(20), nullable=False),
    Column("error", Text),
    Column("owner", String(200)),
    Column("num_images", Integer, nullable=False, default=0),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("answered_at", DateTime(timezone=True)),
    Column("response", JSON),
    Column("cost_usd", Float),
    Index("ix_generations_fingerprint", "fingerprint"),
    Index("ix_generations_status", "status"),
)

images = Table(
    "images",
    metadata,
    Column("id", ID, primary_key=True),
    Column("generation_id", ID, ForeignKey("generations.id"), nullable=False),
    Column("idx", Integer, nullable=False),
    Column("prompt", Text, nullable=False),
    Column("expanded_prompt", Text),
    Column("negative_prompt", Text),
    Column("model", String(40), nullable=False),
    Column("style_type", String(40)),
    Column("aspect_ratio", String(10)),
    Column("rendering_speed", String(20)),
    Column("magic_prompt", String(10)),
    Column("seed", BigInteger),
    Column("resolution", String(20)),
    Column("is_safe", Boolean, nullable=False),
    Column("original_url", Text),
    Column("url_expires_at", DateTime(timezone=True)),
    Column("stored_uri", Text),
    Column("blob_key", String(200)),
    Column("sha256", String(64)),
    Column("size_bytes", BigInteger),
    Column("width", Integer),
    Column("height", Integer),
    Column("mime", String(40)),
    Column("status", String(20), nullable=False),
    Column("error", Text),
    Column("starred", Boolean, nullable=False, default=False),
    Column("parent_id", ID, ForeignKey("images.id")),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("stored_at", DateTime(timezone=True)),
    Column("trashed_at", DateTime(timezone=True)),
    # Tags joined by spaces, kept in step with image_tags by the catalog, so the full-text
    # index (FTS5 triggers / a generated tsvector) can cover them without a join.
    Column("tags_text", Text),
    Column("phash", String(16)),  # perceptual hash (64-bit, hex) for similar-image search
    Column("operation", String(40)),  # generate, remix, edit, upscale, ..., upload, import
    Column("descriptions", JSON),  # what `describe` said of the image: [{"text", ...}]
    Column("descriptions_text", Text),  # the same texts, flat, for the full-text index
    Column("rating", SmallInteger),  # 1-5 stars a person gave it; NULL = not rated (0011)
    # who generated, uploaded or imported it (0013); kept after the person is disabled
    Column("creator", String(64)),
    Index("ix_images_generation", "generation_id"),
    Index("ix_images_status", "status"),
    Index("ix_images_created", "created_at"),
    Index("ix_images_seed", "seed"),
    Index("ix_images_model", "model"),
    Index("ix_images_sha256", "sha256"),
    Index("ix_images_parent", "parent_id"),
    Index("ix_images_size", "size_bytes"),
    Index("ix_images_phash", "phash"),
    Index("ix_images_operation", "operation"),
    Index("ix_images_rating", "rating"),
    Index("ix_images_creator", "creator"),
)

# PostgreSQL only (migration 0007): the exact orders of sort:-size / sort:size / sort:±seed,
# NULLs last both ways, so a page of a sorted search is an index walk, not a sort of every row.
for _name, _cols in {
    "ix_images_size_desc": (images.c.size_bytes.desc().nulls_last(), images.c.id.desc()),
    "ix_images_size_asc": (images.c.size_bytes.asc().nulls_last(), images.c.id.asc()),
    "ix_images_seed_desc": (images.c.seed.desc().nulls_last(), images.c.id.desc()),
    "ix_images_seed_asc": (images.c.seed.asc().nulls_last(), images.c.id.asc()),
}.items():
    Index(_name, *_cols).ddl_if(dialect="postgresql")

image_embeddings = Table(
    "image_embeddings",
    metadata,
    Column("image_id", ID, ForeignKey("images.id", ondelete="CASCADE"), primary_key=True),
    Column("model", String(80), primary_key=True),
    Column("vector", LargeBinary, nullable=False),  # float32, L2-normalised
)

# The vector index (migration 0015, catalog/vector_index.py): each embedding's sign bits packed
# (48 bytes at 384 dimensions), scanned by Hamming distance to pick the candidates that the
# float32 vectors then rank exactly. A narrow table of its own, so that a scan reads ~100 bytes
# a row rather than the 1.5 KB vectors; it goes with its embedding row (ON DELETE CASCADE).
# PostgreSQL keeps the code as BIT VARYING, whose XOR (#) and bit_count() run in the server.
vector_codes = Table(
    "vector_codes",
    metadata,
    Column("image_id", ID, primary_key=True),
    Column("model", String(80), primary_key=True),
    Column("code", LargeBinary().with_variant(BIT(varying=True), "postgresql"), nullable=False),
    Column("list_no", Integer),  # PostgreSQL: its inverted list (migration 0016); NULL: none yet
    ForeignKeyConstraint(
        ["image_id", "model"],
        ["image_embeddings.image_id", "image_embeddings.model"],
        ondelete="CASCADE",
    ),
)

# PostgreSQL only (migration 0016, catalog/vector_lists.py): an index over the codes by their
# inverted list, carrying the code and image id so that a search's few lists are an index-only
# walk, not a visit of every heap page.
Index(
    "ix_vector_codes_list",
    vector_codes.c.model,
    vector_codes.c.list_no,
    postgresql_include=["image_id", "code"],
).ddl_if(dialect="postgresql")

# The inverted lists of each model (PostgreSQL only fills them): their centroids (float32, unit
# length), numbered from the training's ``first_list``; each training numbers its lists past
# the last one's, so a code still numbered by an older training is known to be stale.
vector_lists = Table(
    "vector_lists",
    metadata,
    Column("model", String(80), primary_key=True),
    Column("list_no", Integer, primary_key=True),
    Column("centroid", LargeBinary, nullable=False),
)
vector_training = Table(
    "vector_training",
    metadata,
    Column("model", String(80), primary_key=True),
    Column("first_list", Integer, nullable=False),
    Column("lists", Integer, nullable=False),
    Column("trained_rows", BigInteger, nullable=False),  # codes when trained: retrain at 4x
)

# SQLite only: bumped by a trigger whenever a code is deleted, so that a process holding the
# codes in memory (catalog/vector_sqlite.py) knows to read them again; new codes it finds by
# rowid, so an insert costs no bump.
vector_state = Table("vector_state", metadata, Column("generation", BigInteger, nullable=False))

# The report's running totals, kept by triggers (catalog/aggregates.py, migration 0009): per
# dimension and value, images and bytes, split by (model, speed) for pricing. '' means none.
report_totals = Table(
    "report_totals",
    metadata,
    Column("dimension", String(16), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("model", String(40), primary_key=True),
    Column("speed", String(20), primary_key=True),
    Column("images", BigInteger, nullable=False),
    Column("bytes", BigInteger, nullable=False),
)

image_tags = Table(
    "image_tags",
    metadata,
    Column("image_id", ID, ForeignKey("images.id", ondelete="CASCADE"), primary_key=True),
    Column("tag", String(64), primary_key=True),
    Index("ix_image_tags_tag", "tag"),
)

# A batch is a job made from one batch file; each request (each repeat of a row) is one item.
# Item states: queued → claimed (leased by a worker) → sent (generation row written, API call
# made) → done | failed | unanswered; queued/claimed → cancelled. See vault/worker.py.
batches = Table(
    "batches",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("source", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("status", String(20), nullable=False),  # draft | open | cancelled
    Column("total_items", Integer, nullable=False),
    Column("total_images", Integer, nullable=False),
    Column("estimated_usd", Float, nullable=False),
    Column("options", JSON, nullable=False),
)

batch_items = Table(
    "batch_items",
    metadata,
    Column("id", ID, primary_key=True),
    Column("batch_id", ID, ForeignKey("batches.id", ondelete="CASCADE"), nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("repeat_index", Integer, nullable=False),
    Column("request", JSON, nullable=False),  # {"params": validated params, "tags": [...]}
    Column("num_images", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("claimed_by", String(200)),
    Column("lease_expires_at", DateTime(timezone=True)),
    Column("attempts", Integer, nullable=False),
    Column("generation_id", ID, ForeignKey("generations.id")),
    Column("error", Text),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("batch_id", "line_no", "repeat_index", name="uq_batch_items_line"),
    Index("ix_batch_items_batch_status", "batch_id", "status"),
    Index("ix_batch_items_status", "status"),
    Index("ix_batch_items_generation", "generation_id"),
)

# Albums (migration 0011): named collections that reference images without moving them; an
# image may be in any number. Deleting an album deletes only its memberships.
albums = Table(
    "albums",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("cover_id", ID, ForeignKey("images.id", ondelete="SET NULL")),
    UniqueConstraint("name", name="uq_albums_name"),
)

album_images = Table(
    "album_images",
    metadata,
    Column("album_id", ID, ForeignKey("albums.id", ondelete="CASCADE"), primary_key=True),
    Column("image_id", ID, ForeignKey("images.id", ondelete="CASCADE"), primary_key=True),
    Column("added_at", DateTime(timezone=True), nullable=False),
    Index("ix_album_images_image", "image_id"),
)

# Teams (migration 0012): people with a role, their personal API keys (only a hash of the
# secret is kept), gallery sessions made from a key, and the append-only audit log.
users = Table(
    "users",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("role", String(10), nullable=False),  # viewer | editor | admin
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("disabled_at", DateTime(timezone=True)),
    Column("daily_usd", Float),  # a person's budgets, on top of the team's
    Column("monthly_usd", Float),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", ID, primary_key=True),
    Column("user_id", ID, ForeignKey("users.id"), nullable=False),
    Column("secret_sha256", String(64), nullable=False),
    Column("scopes", JSON, nullable=False),  # [] = everything the user's role allows
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
    Column("last_used_at", DateTime(timezone=True)),
    Index("ix_api_keys_user", "user_id"),
)

sessions = Table(
    "sessions",
    metadata,
    Column("secret_sha256", String(64), primary_key=True),
    # exactly one of the two: a key's session, or a person's signed in with OpenID Connect
    Column("key_id", ID, ForeignKey("api_keys.id", ondelete="CASCADE")),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("user_id", ID, ForeignKey("users.id", ondelete="CASCADE", name="fk_sessions_user")),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(80), nullable=False),
    Column("target", String(200)),
    Column("detail", JSON),
    Index("ix_audit_log_at", "at"),
    Index("ix_audit_log_actor", "actor"),
    Index("ix_audit_log_target", "target"),  # 0013: an image's creator from its generation
)

# Shared read-only links (migration 0013): one image or one search, until ``expires_at``.
# Only the SHA-256 of the link's secret is kept, as for personal keys.
shares = Table(
    "shares",
    metadata,
    Column("id", ID, primary_key=True),
    Column("secret_sha256", String(64), nullable=False),
    Column("kind", String(10), nullable=False),  # image | search
    Column("target", Text, nullable=False),  # the image id, or the query text
    Column("label", String(200)),
    Column("created_by", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
)
