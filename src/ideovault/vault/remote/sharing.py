"""Shared read-only links through a server: made, listed and revoked by its REST API.

The server makes the link (its secret is in the answer once, as a path under ``/s/``), so the
link opens on that server: the CLI puts the server's own address in front of the path.
"""

from __future__ import annotations

from typing import Any

from ideovault.errors import UserError
from ideovault.vault.remote.http import RemoteHttp


class RemoteSharing(RemoteHttp):
    def create_share(
        self, what: str, expires: str, label: str | None, *, search: bool
    ) -> tuple[dict[str, Any], str]:
        """The new link's description and its path (``/s/ivs_…``), as ``POST /api/shares``."""
        body = {"what": what, "expires": expires, "label": label, "search": search}
        answer = self._call("POST", "/api/shares", json=body)
        return answer["share"], answer["path"]

    def list_shares(self) -> list[dict[str, Any]]:
        answer: list[dict[str, Any]] = self._call("GET", "/api/shares")
        return answer

    def revoke_share(self, share_id: str) -> dict[str, Any]:
        if not share_id or not share_id.isalnum():
            raise UserError(f"not a link id: {share_id[:40]!r} (see `ideovault share list`)")
        answer: dict[str, Any] = self._call("POST", f"/api/shares/{share_id}/revoke")
        return answer
