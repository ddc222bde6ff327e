"""``vault.people``: people, roles, personal keys, sessions, budgets and the audit log.

The rules live in :mod:`ideovault.vault.people` as functions taking a context, because other
services write to the audit log too (``people.note(ctx, ...)``); this is the public face the
CLI and the web call, one method per public function there.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from ideovault.vault import people

if TYPE_CHECKING:
    from ideovault.catalog.audit import AuditEntry
    from ideovault.catalog.people import ApiKey, PeopleStore, User
    from ideovault.vault.actors import Principal
    from ideovault.vault.context import VaultContext


class People:
    """Who may do what with a vault served to a team (none of it without users)."""

    KEY_PREFIX = people.KEY_PREFIX  # what a personal key starts with
    SESSION_LIFETIME = people.SESSION_LIFETIME  # how long a sign-in lasts

    def __init__(self, ctx: VaultContext) -> None:
        self._ctx = ctx

    def store(self) -> PeopleStore:
        """The rows themselves (users, keys, sessions): for listings and tests."""
        return people.store(self._ctx)

    def users(self) -> list[User]:
        return self.store().list_users()

    def user(self, name: str) -> User:
        """One user by name (NotFound when there is none)."""
        return self.store().user(name)

    def is_team(self) -> bool:
        """True once any user exists: from then on every request needs a key or a session."""
        return people.is_team(self._ctx)

    def add_user(self, name: str, role: str, actor: str) -> User:
        return people.add_user(self._ctx, name, role, actor)

    def first_admin(self, name: str) -> tuple[User, str]:
        """The first user, an admin, and a key for them (refused once users exist)."""
        return people.first_admin(self._ctx, name)

    def set_role(self, name: str, role: str, actor: str) -> User:
        return people.set_role(self._ctx, name, role, actor)

    def disable(self, name: str, actor: str) -> User:
        return people.disable(self._ctx, name, actor)

    def create_key(
        self, user_name: str, scopes: list[str], expires: timedelta | None, actor: str
    ) -> tuple[ApiKey, str]:
        """A new personal key: its row, and the secret (shown once, only its hash is kept)."""
        return people.create_key(self._ctx, user_name, scopes, expires, actor)

    def list_keys(self, user_name: str | None = None) -> list[dict[str, Any]]:
        return people.list_keys(self._ctx, user_name)

    def revoke_key(self, key_id: str, actor: str) -> None:
        people.revoke_key(self._ctx, key_id, actor)

    def authenticate(self, key: str) -> Principal | None:
        """Who a personal key belongs to, or None (unknown, revoked, expired, disabled)."""
        return people.authenticate(self._ctx, key)

    def start_session(self, principal: Principal) -> str:
        return people.start_session(self._ctx, principal)

    def start_user_session(self, name: str, how: str) -> str:
        return people.start_user_session(self._ctx, name, how)

    def session_principal(self, secret: str) -> Principal | None:
        return people.session_principal(self._ctx, secret)

    def end_session(self, secret: str) -> None:
        people.end_session(self._ctx, secret)

    def audit_entries(
        self, user: str | None = None, since: datetime | None = None, limit: int = 1000
    ) -> list[AuditEntry]:
        return people.audit_entries(self._ctx, user, since, limit)

    def record(
        self, actor: str, action: str, target: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:  # fmt: skip
        """Append one line to the audit log."""
        people.record(self._ctx, actor, action, target, detail)

    def spent_by(self, name: str, since: datetime) -> float:
        return people.spent_by(self._ctx, name, since)

    def check_budget(self, usd: float) -> None:
        """A UserError when the acting person's own budget cannot take ``usd`` more."""
        people.check_person_budget(self._ctx, usd)

    def set_budget(self, name: str, daily: float | None, monthly: float | None, actor: str) -> User:
        return people.set_budget(self._ctx, name, daily, monthly, actor)

    def cost_by_person(self) -> list[dict[str, Any]]:
        return people.cost_by_person(self._ctx)
