"""Marking images through a server: tags, stars, ratings, the trash, and albums.

Albums are named by the CLI and addressed by id in the REST API, so a name is looked up in
the server's album list first (albums are few; names are checked as the local vault does).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ideovault.catalog.albums import Album, check_name
from ideovault.catalog.records import ImageRecord
from ideovault.errors import NotFound, UserError
from ideovault.vault.remote.http import RemoteHttp, path_id, record

# Vault.change's field names → the REST bulk body's.
BULK_FIELDS = {"add_tags": "add", "remove_tags": "remove"}


def _album(data: dict[str, Any]) -> Album:
    created = datetime.fromisoformat(str(data["created_at"]).replace("Z", "+00:00"))
    return Album(data["id"], data["name"], created, int(data["count"]), data.get("cover_id"))


class RemoteMarking(RemoteHttp):
    def get(self, id_or_prefix: str) -> ImageRecord:
        raise NotImplementedError

    def _each(self, ids: Sequence[str], action: str, body: dict[str, Any]) -> list[ImageRecord]:
        return [
            record(self._call("POST", f"/api/images/{path_id(i)}/{action}", json=body)) for i in ids
        ]

    def tag(
        self, ids: Sequence[str], add: Sequence[str] = (), remove: Sequence[str] = ()
    ) -> list[ImageRecord]:
        for i in ids:  # like the local vault: every id resolves before anything changes
            self.get(i)
        return self._each(ids, "tags", {"add": list(add), "remove": list(remove)})

    def star(self, ids: Sequence[str], starred: bool = True) -> list[ImageRecord]:
        for i in ids:
            self.get(i)
        return self._each(ids, "star", {"starred": starred})

    def trash(self, ids: Sequence[str]) -> list[ImageRecord]:
        return self._each(ids, "trash", {})

    def restore(self, ids: Sequence[str]) -> list[ImageRecord]:
        return self._each(ids, "restore", {})

    # -- bulk changes (rate, album add/remove): one transaction on the server -------------

    def change(self, kind: str, **fields: object) -> dict[str, Any]:
        """The body of a bulk change; the server validates it as ``Vault.change`` does."""
        return {"action": kind, **{BULK_FIELDS.get(k, k): v for k, v in fields.items()}}

    def bulk(
        self, change: dict[str, Any], ids: Sequence[str] = (), query: str | None = None
    ) -> list[str]:
        if (query is None) == (not ids):
            raise UserError("name the images: ids, or a query (not both)")
        body = {**change, "ids": list(ids)} if ids else {**change, "query": query}
        return [str(i) for i in self._call("POST", "/api/bulk", json=body)["ids"]]

    def rate(self, ids: Sequence[str], rating: int) -> list[ImageRecord]:
        if not 0 <= rating <= 5:
            raise UserError(f"a rating is 1-5 (0 clears), not {rating}")
        done = self.bulk(self.change("rate", rating=rating), ids)
        return [self.get(i) for i in done]

    # -- albums --------------------------------------------------------------------------

    def albums(self) -> list[Album]:
        return [_album(a) for a in self._call("GET", "/api/albums")]

    def album(self, name: str) -> Album:
        wanted = check_name(name)
        for album in self.albums():
            if album.name == wanted:
                return album
        raise NotFound(f"no album named {wanted[:80]!r}; `ideovault album list` shows them")

    def album_create(self, name: str) -> Album:
        return _album(self._call("POST", "/api/albums", json={"name": name}))

    def album_rename(self, old: str, new: str) -> Album:
        album_id = self.album(old).id
        return _album(self._call("PATCH", f"/api/albums/{album_id}", json={"name": new}))

    def album_delete(self, name: str) -> int:
        album_id = self.album(name).id
        return int(self._call("DELETE", f"/api/albums/{album_id}")["images_kept"])

    def album_cover(self, name: str, image_id: str | None) -> Album:
        album_id = self.album(name).id
        body = {"image_id": path_id(image_id) if image_id else None}
        return _album(self._call("POST", f"/api/albums/{album_id}/cover", json=body))
