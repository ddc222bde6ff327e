"""The audit log: one row per change, appended and never updated or deleted.

Nothing in ideovault has a way to change or remove a row here (no cleanup, purge or API route
touches this table); only someone with the database's own credentials could.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, insert, select

from ideovault.catalog.schema import audit_log


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    target: str | None
    detail: dict[str, Any] | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "at": self.at.isoformat(), "actor": self.actor,
            "action": self.action, "target": self.target, "detail": self.detail,
        }  # fmt: skip


class AuditLog:
    """The audit log, reached as ``catalog.audit``; built from the engine alone."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def append(
        self, actor: str, action: str, target: str | None, detail: dict[str, Any] | None
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(audit_log).values(
                    at=datetime.now(UTC),
                    actor=actor,
                    action=action,
                    target=target[:200] if target else None,
                    detail=detail,
                )
            )

    def generation_actor(self, generation_id: str) -> str | None:
        """Who started a generation: the actor of its ``generate`` entry (what ``by:`` reads)."""
        query = (
            select(audit_log.c.actor)
            .where(audit_log.c.target == generation_id, audit_log.c.action == "generate")
            .order_by(audit_log.c.id)
            .limit(1)
        )
        with self.engine.connect() as conn:
            found = conn.execute(query).scalar()
        return None if found is None else str(found)

    def entries(self, *, actor: str | None = None, since: datetime | None = None,
        action: str | None = None, limit: int = 1000,
    ) -> list[AuditEntry]:  # fmt: skip
        """Oldest first, at most ``limit`` (the newest ones when there are more)."""
        query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
        if actor is not None:
            query = query.where(audit_log.c.actor == actor)
        if since is not None:
            query = query.where(audit_log.c.at >= since)
        if action is not None:
            query = query.where(audit_log.c.action == action)
        with self.engine.connect() as conn:
            rows = list(conn.execute(query))
        return [
            AuditEntry(
                r.id,
                r.at if r.at.tzinfo else r.at.replace(tzinfo=UTC),
                r.actor,
                r.action,
                r.target,
                r.detail,
            )
            for r in reversed(rows)
        ]
