"""Shared read-only links in the catalog's database (migration 0013).

As for personal keys (``catalog/people.py``), only the SHA-256 of a link's 256-bit secret is
kept, so a copy of the database opens no link. Rows are never deleted: a revoked or expired
link stays listed, with who made it, next to its audit entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, insert, select, update

from ideovault.catalog.schema import shares
from ideovault.errors import NotFound


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes for timezone-aware columns: they were written as UTC."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


@dataclass(frozen=True)
class Share:
    id: str
    secret_sha256: str
    kind: str  # "image" or "search"
    target: str  # the image id, or the query text
    label: str | None
    created_by: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None

    def state(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expires_at <= now else "live"

    def to_json(self, now: datetime) -> dict[str, Any]:
        """What `share list` shows: never the hash, let alone the link's secret."""
        return {
            "id": self.id, "kind": self.kind, "target": self.target, "label": self.label,
            "created_by": self.created_by, "created_at": self.created_at.isoformat(),
            "expires_at": self.expires_at.isoformat(),
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
            "state": self.state(now),
        }  # fmt: skip


def _share(row: Any) -> Share:
    return Share(
        row.id, row.secret_sha256, row.kind, row.target, row.label, row.created_by,
        _aware(row.created_at) or row.created_at, _aware(row.expires_at) or row.expires_at,
        _aware(row.revoked_at),
    )  # fmt: skip


class ShareStore:
    """The rows behind ``vault.shares``; no policy here."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(self, share: Share) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(shares).values(
                    id=share.id,
                    secret_sha256=share.secret_sha256,
                    kind=share.kind,
                    target=share.target,
                    label=share.label,
                    created_by=share.created_by,
                    created_at=share.created_at,
                    expires_at=share.expires_at,
                )
            )

    def find(self, share_id: str) -> Share | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(shares).where(shares.c.id == share_id)).first()
        return None if row is None else _share(row)

    def get(self, share_id: str) -> Share:
        found = self.find(share_id)
        if found is None:
            raise NotFound(f"no shared link with id {share_id} (`ideovault share list`)")
        return found

    def list(self) -> list[Share]:
        query = select(shares).order_by(shares.c.created_at, shares.c.id)
        with self.engine.connect() as conn:
            return [_share(r) for r in conn.execute(query)]

    def revoke(self, share_id: str, when: datetime) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(shares)
                .where(shares.c.id == share_id, shares.c.revoked_at.is_(None))
                .values(revoked_at=when)
            )
