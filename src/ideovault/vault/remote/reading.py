"""Reading a vault through its server: records, pages, look-alikes, the report, URLs, lineage,
and the original bytes (streamed through the server, for ``export``)."""

from __future__ import annotations

import builtins
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, cast

from ideovault.catalog.records import ImageRecord, ImageStatus
from ideovault.catalog.search import SearchPage
from ideovault.errors import UserError
from ideovault.vault.remote.http import RemoteHttp, path_id, record

if TYPE_CHECKING:
    from ideovault.vault.core import Vault
    from ideovault.vault.export import ExportReport
    from ideovault.vault.lineage import Lineage, Node
    from ideovault.vault.semantic import Scored
    from ideovault.vault.similar import Match

SPOOL_IN_MEMORY = 8 * 1024 * 1024  # an original larger than this waits on disk, not in memory


class RemoteReading(RemoteHttp):
    store = None  # the server's blob store is not the client's: export checks this

    def get(self, id_or_prefix: str) -> ImageRecord:
        return record(self._call("GET", f"/api/images/{path_id(id_or_prefix)}"))

    def list_images(
        self,
        limit: int = 50,
        *,
        before_id: str | None = None,
        statuses: Sequence[ImageStatus] | None = None,
    ) -> list[ImageRecord]:
        params: dict[str, Any] = {"limit": limit, "status": [s.value for s in statuses or ()]}
        if before_id:
            params["before"] = before_id
        return [record(r) for r in self._call("GET", "/api/list", params=params)]

    def search(self, query: str = "", *, limit: int = 50, cursor: str | None = None) -> SearchPage:
        params: dict[str, Any] = {"q": query, "limit": limit}
        if cursor:
            params["cursor"] = cursor
        page = self._call("GET", "/api/images", params=params)
        return SearchPage([record(r) for r in page["results"]], page.get("next"))

    def trashed(self) -> builtins.list[ImageRecord]:
        return [record(r) for r in self._call("GET", "/api/trash")]

    def similar(self, image_id: str, limit: int = 20) -> builtins.list[Match]:
        from ideovault.vault.similar import Match

        found = self._call(
            "GET", f"/api/images/{path_id(image_id)}/similar", params={"limit": limit}
        )
        return [Match(record(m), int(m.pop("distance"))) for m in found]

    def semantic_search(self, text: str, limit: int = 20) -> builtins.list[Scored]:
        from ideovault.vault.semantic import Scored

        found = self._call("GET", "/api/semantic", params={"q": text, "limit": limit})
        return [Scored(record(m), float(m.pop("score"))) for m in found]

    def report(self, *, exact: bool = False) -> dict[str, Any]:
        if exact:  # a recount of every row is an operator's check, made on the server itself
            raise UserError("report --exact runs on the server's machine, not through a server")
        return dict(self._call("GET", "/api/report"))

    def url(self, id_or_prefix: str, expires_seconds: int = 3600) -> str:
        """The public or signed URL the server's store gives (the key never appears in it)."""
        if not 1 <= expires_seconds <= 7 * 24 * 3600:
            raise UserError("--expires must be between 1 second and 7 days")
        answer = self._call(
            "GET", f"/api/images/{path_id(id_or_prefix)}/url", params={"expires": expires_seconds}
        )
        return str(answer["url"])

    def lineage(self, image_id: str) -> Lineage:
        from ideovault.vault.lineage import Lineage

        answer = self._call("GET", f"/api/images/{path_id(image_id)}/lineage")
        tree = _node(answer["tree"])
        ancestors = [record(a) for a in answer["ancestors"]]
        return Lineage(tree.record, ancestors, tree, bool(answer["truncated"]))

    def open_original(self, id_or_prefix: str) -> tuple[ImageRecord, BinaryIO]:
        """The record and its original, streamed through the server into a spooled file."""
        image = self.get(id_or_prefix)
        if image.status != ImageStatus.STORED:
            raise UserError(f"image {image.id} has no stored file ({image.status.value})")
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115
        try:
            with self._stream("GET", f"/api/images/{image.id}/original") as chunks:
                for chunk in chunks:
                    spool.write(chunk)
        except BaseException:
            spool.close()
            raise
        spool.seek(0)
        return image, cast(BinaryIO, spool)

    def zip_stream(
        self, ids: Sequence[str] = (), query: str | None = None, album: str | None = None
    ) -> Iterator[bytes]:
        """The server's zip of ids, a query or an album, chunk by chunk as it is made."""
        if ids:
            request: dict[str, Any] = {"json": {"ids": [path_id(i) for i in ids]}}
            method = "POST"
        else:
            method = "GET"
            params = {"q": query or ""}
            if album is not None:
                params = {"album": self.album(album).id}  # type: ignore[attr-defined]
            request = {"params": params}
        with self._stream(method, "/api/zip", **request) as chunks:
            yield from chunks

    def export(
        self, query: str, to: str | Path, *, embed_metadata: bool = False, overwrite: bool = False
    ) -> ExportReport:
        """The local export's files and manifests, with each original fetched from the server."""
        from ideovault.vault.export import export

        return export(
            cast("Vault", self), query, to, embed_metadata=embed_metadata, overwrite=overwrite
        )


def _node(data: dict[str, Any]) -> Node:
    from ideovault.vault.lineage import Node

    return Node(record(data["image"]), [_node(c) for c in data["children"]])
