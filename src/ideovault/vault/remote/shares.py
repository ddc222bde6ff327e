"""``vault.shares`` through a server: shared read-only links, made, listed and revoked by its
REST API.

The server makes the link (its secret is in the answer once, as a path under ``/s/``), so the
link opens on that server: the CLI puts the server's own address in front of the path. The
rows come back as the local :class:`~ideovault.catalog.shares.Share`, but for the hash of the
secret, which a server never tells (``secret_sha256`` is empty).
"""

from __future__ import annotations

import builtins
from datetime import datetime, timedelta
from typing import Any

from ideovault.catalog.shares import Share
from ideovault.errors import UserError
from ideovault.units import parse_duration
from ideovault.vault.remote.http import Namespace

# The largest unit that says a lifetime exactly, as the server's ``expires`` takes it ("7d").
UNITS = (("w", 7 * 86400), ("d", 86400), ("h", 3600), ("m", 60), ("s", 1))


def _when(value: Any) -> datetime | None:
    return None if value is None else datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _share(data: dict[str, Any]) -> Share:
    created, expires = _when(data["created_at"]), _when(data["expires_at"])
    assert created is not None and expires is not None  # the server always sends both
    return Share(
        data["id"], "", data["kind"], data["target"], data.get("label"), data["created_by"],
        created, expires, _when(data.get("revoked_at")),
    )  # fmt: skip


def _duration(lifetime: timedelta) -> str:
    seconds = int(lifetime.total_seconds())
    if seconds <= 0 or seconds != lifetime.total_seconds():
        raise UserError("a link's lifetime must be a positive number of seconds, e.g. 7d")
    unit, size = next((u, n) for u, n in UNITS if seconds % n == 0)
    return f"{seconds // size}{unit}"


class RemoteShares(Namespace):
    _name = "shares"

    @staticmethod
    def lifetime(text: str) -> timedelta:
        """``7d``, ``12h``, ``2w`` … as a lifetime (the server checks its bounds)."""
        return parse_duration(text)

    def create(
        self, what: str, expires: timedelta, label: str | None = None, *, search: bool = False
    ) -> tuple[Share, str]:
        """The new link's row and its path (``/s/ivs_…``, on the server's address)."""
        body = {"what": what, "expires": _duration(expires), "label": label, "search": search}
        answer = self._conn.call("POST", "/api/shares", json=body)
        return _share(answer["share"]), str(answer["path"])

    def list(self) -> builtins.list[dict[str, Any]]:
        answer: builtins.list[dict[str, Any]] = self._conn.call("GET", "/api/shares")
        return answer

    def revoke(self, share_id: str, actor: object = None) -> Share:
        """End a link now; the server decides who may (``actor`` is the key's holder there)."""
        if not share_id or not share_id.isalnum():
            raise UserError(f"not a link id: {share_id[:40]!r} (see `ideovault share list`)")
        return _share(self._conn.call("POST", f"/api/shares/{share_id}/revoke"))
