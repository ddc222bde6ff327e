"""The metadata database: schema, migrations, queries, search.

``Catalog`` is loaded on first use, so that importing the record types (pydantic only) does
not pull in SQLAlchemy for commands that never open a catalog, such as ``--help``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ideovault.catalog.store import Catalog

__all__ = ["Catalog"]


def __getattr__(name: str) -> Any:
    if name == "Catalog":
        from ideovault.catalog.store import Catalog

        return Catalog
    raise AttributeError(name)
