"""``vault.albums`` through a server.

Albums are named by the CLI and addressed by id in the REST API, so a name is looked up in
the server's album list first (albums are few; names are checked as the local vault does).
"""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import Any

from ideovault.catalog.albums import Album, check_name
from ideovault.errors import NotFound
from ideovault.vault.remote.http import Connection, Namespace, path_id


def _album(data: dict[str, Any]) -> Album:
    created = datetime.fromisoformat(str(data["created_at"]).replace("Z", "+00:00"))
    return Album(data["id"], data["name"], created, int(data["count"]), data.get("cover_id"))


def all_albums(conn: Connection) -> list[Album]:
    return [_album(a) for a in conn.call("GET", "/api/albums")]


def find_album(conn: Connection, name: str) -> Album:
    """The album of this name (NotFound names the command that lists them)."""
    wanted = check_name(name)
    for album in all_albums(conn):
        if album.name == wanted:
            return album
    raise NotFound(f"no album named {wanted[:80]!r}; `ideovault album list` shows them")


class RemoteAlbums(Namespace):
    _name = "albums"

    def list(self) -> builtins.list[Album]:
        return all_albums(self._conn)

    def get(self, name: str) -> Album:
        return find_album(self._conn, name)

    def create(self, name: str) -> Album:
        return _album(self._conn.call("POST", "/api/albums", json={"name": name}))

    def rename(self, old: str, new: str) -> Album:
        album_id = self.get(old).id
        return _album(self._conn.call("PATCH", f"/api/albums/{album_id}", json={"name": new}))

    def delete(self, name: str) -> int:
        album_id = self.get(name).id
        return int(self._conn.call("DELETE", f"/api/albums/{album_id}")["images_kept"])

    def cover(self, name: str, image_id: str | None) -> Album:
        album_id = self.get(name).id
        body = {"image_id": path_id(image_id) if image_id else None}
        return _album(self._conn.call("POST", f"/api/albums/{album_id}/cover", json=body))
