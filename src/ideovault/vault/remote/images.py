"""``vault.images`` through a server: records, pages, marks (tags, stars, ratings), look-alikes,
meaning search, the report, URLs, lineage, and the original bytes (streamed through the
server, for ``export``)."""

from __future__ import annotations

import builtins
import tempfile
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, BinaryIO, cast

from ideovault.catalog.records import ImageRecord, ImageStatus
from ideovault.errors import UserError
from ideovault.vault.paging import ImagePage
from ideovault.vault.remote.http import Connection, Namespace, path_id, record
from ideovault.vault.remote.selection import apply_change, change

if TYPE_CHECKING:
    from ideovault.vault.lineage import Lineage, Node
    from ideovault.vault.semantic import Scored
    from ideovault.vault.similar import Match

SPOOL_IN_MEMORY = 8 * 1024 * 1024  # an original larger than this waits on disk, not in memory


def fetch(conn: Connection, id_or_prefix: str) -> ImageRecord:
    """One record by id or unique prefix (NotFound / AmbiguousId as locally)."""
    return record(conn.call("GET", f"/api/images/{path_id(id_or_prefix)}"))


class RemoteImages(Namespace):
    _name = "images"

    def get(self, id_or_prefix: str) -> ImageRecord:
        return fetch(self._conn, id_or_prefix)

    def list(
        self,
        limit: int = 50,
        *,
        before_id: str | None = None,
        statuses: Sequence[ImageStatus] | None = None,
    ) -> ImagePage:
        """Newest first; a full page's cursor is its last id (the next page's ``before_id``)."""
        params: dict[str, Any] = {"limit": limit, "status": [s.value for s in statuses or ()]}
        if before_id:
            params["before"] = before_id
        records = [record(r) for r in self._conn.call("GET", "/api/list", params=params)]
        more = records[-1].id if records and len(records) >= limit else None
        return ImagePage(
            records, more, lambda after: self.list(limit, before_id=after, statuses=statuses)
        )

    def search(self, query: str = "", *, limit: int = 50, cursor: str | None = None) -> ImagePage:
        params: dict[str, Any] = {"q": query, "limit": limit}
        if cursor:
            params["cursor"] = cursor
        page = self._conn.call("GET", "/api/images", params=params)
        return ImagePage(
            [record(r) for r in page["results"]], page.get("next"),
            lambda after: self.search(query, limit=limit, cursor=after),
        )  # fmt: skip

    # -- marks ---------------------------------------------------------------------------

    def _each(
        self, ids: Sequence[str], action: str, body: dict[str, Any]
    ) -> builtins.list[ImageRecord]:
        for i in ids:  # like the local vault: every id resolves before anything changes
            self.get(i)
        return [
            record(self._conn.call("POST", f"/api/images/{path_id(i)}/{action}", json=body))
            for i in ids
        ]

    def tag(
        self, ids: Sequence[str], add: Sequence[str] = (), remove: Sequence[str] = ()
    ) -> builtins.list[ImageRecord]:
        return self._each(ids, "tags", {"add": list(add), "remove": list(remove)})

    def star(self, ids: Sequence[str], starred: bool = True) -> builtins.list[ImageRecord]:
        return self._each(ids, "star", {"starred": starred})

    def rate(self, ids: Sequence[str], rating: int) -> builtins.list[ImageRecord]:
        if not 0 <= rating <= 5:
            raise UserError(f"a rating is 1-5 (0 clears), not {rating}")
        done = apply_change(self._conn, change("rate", rating=rating), ids)
        return [self.get(i) for i in done]

    # -- looking closer ------------------------------------------------------------------

    def similar(self, image_id: str, limit: int = 20) -> builtins.list[Match]:
        from ideovault.vault.similar import Match

        found = self._conn.call(
            "GET", f"/api/images/{path_id(image_id)}/similar", params={"limit": limit}
        )
        return [Match(record(m), int(m.pop("distance"))) for m in found]

    def semantic(self, text: str, limit: int = 20) -> builtins.list[Scored]:
        from ideovault.vault.semantic import Scored

        found = self._conn.call("GET", "/api/semantic", params={"q": text, "limit": limit})
        return [Scored(record(m), float(m.pop("score"))) for m in found]

    def report(self, *, exact: bool = False) -> dict[str, Any]:
        if exact:  # a recount of every row is an operator's check, made on the server itself
            raise UserError("report --exact runs on the server's machine, not through a server")
        return dict(self._conn.call("GET", "/api/report"))

    def url(self, id_or_prefix: str, expires_seconds: int = 3600) -> str:
        """The public or signed URL the server's store gives (the key never appears in it)."""
        if not 1 <= expires_seconds <= 7 * 24 * 3600:
            raise UserError("--expires must be between 1 second and 7 days")
        answer = self._conn.call(
            "GET", f"/api/images/{path_id(id_or_prefix)}/url", params={"expires": expires_seconds}
        )
        return str(answer["url"])

    def lineage(self, image_id: str) -> Lineage:
        from ideovault.vault.lineage import Lineage

        answer = self._conn.call("GET", f"/api/images/{path_id(image_id)}/lineage")
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
            with self._conn.stream("GET", f"/api/images/{image.id}/original") as chunks:
                for chunk in chunks:
                    spool.write(chunk)
        except BaseException:
            spool.close()
            raise
        spool.seek(0)
        return image, cast(BinaryIO, spool)


def _node(data: dict[str, Any]) -> Node:
    from ideovault.vault.lineage import Node

    return Node(record(data["image"]), [_node(c) for c in data["children"]])
