"""``vault.upkeep`` through a server: only the trash and ``export`` — what a team member may
do; the rest (purge, cleanup, rebuild, import, storage, verify, recover, backfill, dupes) runs
on the server's machine and says so here (:class:`~ideovault.vault.remote.http.Namespace`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from ideovault.catalog.records import ImageRecord
from ideovault.vault.paging import ImagePage
from ideovault.vault.remote.http import Connection, Namespace, path_id, record
from ideovault.vault.remote.images import RemoteImages

if TYPE_CHECKING:
    from ideovault.vault.export import ExportReport


class _ExportSource:
    """What ``vault/export.py`` reads of a vault, answered by the server: the matches of a
    query and each original; ``store`` None (the server's files are not the client's, so no
    local folder is off limits for the export)."""

    store = None

    def __init__(self, conn: Connection) -> None:
        self._images = RemoteImages(conn)

    def search(self, query: str = "", *, limit: int = 50, cursor: str | None = None) -> ImagePage:
        return self._images.search(query, limit=limit, cursor=cursor)

    def open_original(self, id_or_prefix: str) -> tuple[ImageRecord, BinaryIO]:
        return self._images.open_original(id_or_prefix)


class RemoteUpkeep(Namespace):
    _name = "upkeep"

    def _each(self, ids: Iterable[str], action: str) -> list[ImageRecord]:
        return [
            record(self._conn.call("POST", f"/api/images/{path_id(i)}/{action}", json={}))
            for i in ids
        ]

    def trash(self, ids: Iterable[str]) -> list[ImageRecord]:
        return self._each(ids, "trash")

    def restore(self, ids: Iterable[str]) -> list[ImageRecord]:
        return self._each(ids, "restore")

    def trashed(self) -> list[ImageRecord]:
        return [record(r) for r in self._conn.call("GET", "/api/trash")]

    def export(
        self, query: str, to: str | Path, *, embed_metadata: bool = False, overwrite: bool = False
    ) -> ExportReport:
        """The local export's files and manifests, with each original fetched from the server."""
        from ideovault.vault.export import export

        source: Any = _ExportSource(self._conn)  # duck-typed: export reads only these three
        return export(source, query, to, embed_metadata=embed_metadata, overwrite=overwrite)
