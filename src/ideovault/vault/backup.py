"""A copy of the catalog while it is in use: SQLite's online backup API.

The copy is consistent even while a server or a batch writes (the backup API copies pages
under SQLite's own locking and restarts if the source changes). A PostgreSQL catalog is backed
up with PostgreSQL's own tool, ``pg_dump``, which ideovault does not wrap: it would have to
handle the database password. The blobs are files or objects; copy them with the store's tools.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ideovault.errors import UserError

if TYPE_CHECKING:
    from ideovault.vault.context import VaultContext


def backup_catalog(ctx: VaultContext, target: Path) -> int:
    """Write a copy of the SQLite catalog to ``target`` (a new file); its size in bytes."""
    if ctx.catalog.dialect != "sqlite":
        raise UserError(
            "the catalog is PostgreSQL: back it up with "
            "`pg_dump --format=custom --file FILE DATABASE_URL` (and restore with pg_restore)"
        )
    if target.exists():
        raise UserError(f"{target} already exists: name a new file")
    if not target.parent.is_dir():
        raise UserError(f"{target.parent} is not a folder")
    ctx.catalog.backup_sqlite(target)
    return target.stat().st_size
