"""The metadata database: schema, migrations, queries, search."""

from ideovault.catalog.store import Catalog

__all__ = ["Catalog"]
