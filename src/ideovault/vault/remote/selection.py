"""``vault.selection`` through a server: one change applied to many images (ids or a query)
in one transaction on the server, and the server's zip of a selection.

A change is the body of ``POST /api/bulk``; the server validates it as ``Vault`` does.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from ideovault.errors import UserError
from ideovault.vault.remote.albums import find_album
from ideovault.vault.remote.http import Connection, Namespace, path_id

# The local change's field names → the REST bulk body's.
BULK_FIELDS = {"add_tags": "add", "remove_tags": "remove"}


def change(kind: str, **fields: object) -> dict[str, Any]:
    """The body of a bulk change (``selection.change``'s answer, as the server takes it)."""
    return {"action": kind, **{BULK_FIELDS.get(k, k): v for k, v in fields.items()}}


def apply_change(
    conn: Connection, body: dict[str, Any], ids: Sequence[str] = (), query: str | None = None
) -> list[str]:
    """The ids the server changed, in one transaction: ids, or what a query finds."""
    if (query is None) == (not ids):
        raise UserError("name the images: ids, or a query (not both)")
    target = {"ids": list(ids)} if ids else {"query": query}
    return [str(i) for i in conn.call("POST", "/api/bulk", json={**body, **target})["ids"]]


class RemoteSelection(Namespace):
    _name = "selection"

    def change(self, kind: str, **fields: object) -> dict[str, Any]:
        return change(kind, **fields)

    def bulk(
        self, change: dict[str, Any], ids: Sequence[str] = (), query: str | None = None
    ) -> list[str]:
        return apply_change(self._conn, change, ids, query)

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
                params = {"album": find_album(self._conn, album).id}
            request = {"params": params}
        with self._conn.stream(method, "/api/zip", **request) as chunks:
            yield from chunks
