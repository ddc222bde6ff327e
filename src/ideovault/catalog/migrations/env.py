"""Alembic environment: always run with a connection handed over by ``catalog.engine``."""

from __future__ import annotations

from alembic import context

from ideovault.catalog.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reachable by running alembic by hand
    raise RuntimeError("ideovault migrations run through Catalog.open(), not the alembic CLI")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
