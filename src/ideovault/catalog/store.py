"""The catalog: every generation and image, in SQLite or PostgreSQL, through SQLAlchemy Core.

One way in: a :class:`Catalog` holds the engine and one repository per kind of row, each an
attribute named by what it holds (``catalog.images.get(...)``, ``catalog.albums.create(...)``).
A repository is a class in its own module built from the engine alone; each is made on first
use and kept, so that opening a catalog imports only what the command needs.
"""

from __future__ import annotations

import functools
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from ideovault.catalog import engine as engines

if TYPE_CHECKING:
    from ideovault.catalog.albums import AlbumRepository
    from ideovault.catalog.audit import AuditLog
    from ideovault.catalog.batches import BatchStore
    from ideovault.catalog.embeddings import EmbeddingStore
    from ideovault.catalog.generations import GenerationRepository
    from ideovault.catalog.hashes import PhashStore
    from ideovault.catalog.images import ImageRepository
    from ideovault.catalog.maintenance import Maintenance
    from ideovault.catalog.people import PeopleStore
    from ideovault.catalog.report import ReportQueries
    from ideovault.catalog.shares import ShareStore
    from ideovault.catalog.vector_index import VectorIndexes


class Catalog:
    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url

    @classmethod
    def open(cls, url: str) -> Catalog:
        engine = engines.create(url)
        engines.migrate(engine)
        return cls(engine, url)

    @property
    def url_for_display(self) -> str:
        return engines.display_url(self.url)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def ping(self) -> None:
        """One round trip to the database (a readiness probe); raises when it does not answer."""
        from sqlalchemy import text

        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def backup_sqlite(self, target: Path) -> None:
        """Copy a SQLite catalog, consistently while it is in use, into the new file ``target``
        (SQLite's online backup)."""
        import sqlite3

        source = self.engine.raw_connection()
        try:
            copy = sqlite3.connect(target)
            try:
                source.driver_connection.backup(copy)  # type: ignore[union-attr]
            finally:
                copy.close()
        finally:
            source.close()

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- the repositories --------------------------------------------------------------------

    @functools.cached_property
    def images(self) -> ImageRepository:
        """Images and their tags: get, list, search, mark, tag, star, bulk changes."""
        from ideovault.catalog.images import ImageRepository

        return ImageRepository(self.engine)

    @functools.cached_property
    def generations(self) -> GenerationRepository:
        """Requests to the API and their answers (``record_response`` writes the images)."""
        from ideovault.catalog.generations import GenerationRepository

        return GenerationRepository(self.engine)

    @functools.cached_property
    def batches(self) -> BatchStore:
        """Batch jobs and the claim/lease protocol of their items (``catalog/batches.py``)."""
        from ideovault.catalog.batches import BatchStore

        return BatchStore(self.engine)

    @functools.cached_property
    def albums(self) -> AlbumRepository:
        from ideovault.catalog.albums import AlbumRepository

        return AlbumRepository(self.engine)

    @functools.cached_property
    def people(self) -> PeopleStore:
        """Users, their API keys and gallery sessions."""
        from ideovault.catalog.people import PeopleStore

        return PeopleStore(self.engine)

    @functools.cached_property
    def shares(self) -> ShareStore:
        """Shared read-only links."""
        from ideovault.catalog.shares import ShareStore

        return ShareStore(self.engine)

    @functools.cached_property
    def audit(self) -> AuditLog:
        """The append-only audit log."""
        from ideovault.catalog.audit import AuditLog

        return AuditLog(self.engine)

    @functools.cached_property
    def maintenance(self) -> Maintenance:
        """The lifecycle's queries: trash, purge, verify's walk, rebuild and storage moves."""
        from ideovault.catalog.maintenance import Maintenance

        return Maintenance(self.engine)

    @functools.cached_property
    def embeddings(self) -> EmbeddingStore:
        """Prompt embeddings of semantic search (their codes are written with them)."""
        from ideovault.catalog.embeddings import EmbeddingStore

        return EmbeddingStore(self.engine)

    @functools.cached_property
    def vectors(self) -> VectorIndexes:
        """The vector index of semantic search, one per model; kept per catalog (on SQLite it
        holds the codes in memory)."""
        from ideovault.catalog.vector_index import VectorIndexes

        return VectorIndexes(self.engine)

    @functools.cached_property
    def phashes(self) -> PhashStore:
        """Perceptual hashes of the images (similar-image search and its backfill)."""
        from ideovault.catalog.hashes import PhashStore

        return PhashStore(self.engine)

    @functools.cached_property
    def report(self) -> ReportQueries:
        """The report's running totals, their exact recount, and its largest/oldest images."""
        from ideovault.catalog.report import ReportQueries

        return ReportQueries(self.engine)
