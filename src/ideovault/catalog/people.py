"""Users, their personal API keys and gallery sessions, in the catalog's database.

Only the SHA-256 of a key's (or a session's) secret is stored: the secrets are 256-bit random
strings, so a fast hash is as good as a slow one against guessing, and a stolen database holds
nothing that can sign in. Rows are never deleted: a disabled user and a revoked key stay, so
that the audit log and the records they made keep naming them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, func, insert, select, update

from ideovault.catalog.schema import api_keys, sessions, users
from ideovault.errors import NotFound, UserError


@dataclass(frozen=True)
class User:
    id: str
    name: str
    role: str
    created_at: datetime
    disabled_at: datetime | None
    daily_usd: float | None
    monthly_usd: float | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "role": self.role,
            "created_at": self.created_at.isoformat(),
            "disabled_at": self.disabled_at.isoformat() if self.disabled_at else None,
            "daily_usd": self.daily_usd, "monthly_usd": self.monthly_usd,
        }  # fmt: skip


@dataclass(frozen=True)
class ApiKey:
    id: str
    user_id: str
    secret_sha256: str
    scopes: tuple[str, ...]
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None

    def to_json(self, user_name: str) -> dict[str, Any]:
        """What `key list` shows: never the hash, let alone the key."""
        return {
            "id": self.id, "user": user_name, "scopes": list(self.scopes),
            "created_at": self.created_at.isoformat(),
            "expires_at": self.expires_at.isoformat() if self.expires_at else None,
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
            "last_used_at": self.last_used_at.isoformat() if self.last_used_at else None,
        }  # fmt: skip


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes for timezone-aware columns: they were written as UTC."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _user(row: Any) -> User:
    return User(
        row.id, row.name, row.role, _aware(row.created_at) or row.created_at,
        _aware(row.disabled_at), row.daily_usd, row.monthly_usd,
    )  # fmt: skip


def _key(row: Any) -> ApiKey:
    return ApiKey(
        row.id, row.user_id, row.secret_sha256, tuple(row.scopes or ()),
        _aware(row.created_at) or row.created_at, _aware(row.expires_at),
        _aware(row.revoked_at), _aware(row.last_used_at),
    )  # fmt: skip


class PeopleStore:
    """The rows behind ``vault.people``; no policy here (roles and scopes live in the vault)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def count_users(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(users)).scalar_one())

    def add_user(self, id: str, name: str, role: str, now: datetime) -> User:
        with self.engine.begin() as conn:
            if conn.execute(select(users.c.id).where(users.c.name == name)).first():
                raise UserError(f"a user named {name!r} already exists")
            conn.execute(insert(users).values(id=id, name=name, role=role, created_at=now))
        return self.user(name)

    def user(self, name: str) -> User:
        with self.engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.name == name)).first()
        if row is None:
            raise NotFound(f"no user named {name!r} (`ideovault user list` shows them)")
        return _user(row)

    def user_by_id(self, user_id: str) -> User:
        with self.engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.id == user_id)).first()
        if row is None:
            raise NotFound(f"no user with id {user_id}")
        return _user(row)

    def list_users(self) -> list[User]:
        with self.engine.connect() as conn:
            return [_user(r) for r in conn.execute(select(users).order_by(users.c.name))]

    def update_user(self, name: str, **values: Any) -> User:
        with self.engine.begin() as conn:
            done = conn.execute(update(users).where(users.c.name == name).values(**values))
        if done.rowcount == 0:
            raise NotFound(f"no user named {name!r} (`ideovault user list` shows them)")
        return self.user(name)

    def add_key(
        self, id: str, user_id: str, secret_sha256: str, scopes: list[str],
        now: datetime, expires_at: datetime | None,
    ) -> ApiKey:  # fmt: skip
        with self.engine.begin() as conn:
            conn.execute(
                insert(api_keys).values(
                    id=id,
                    user_id=user_id,
                    secret_sha256=secret_sha256,
                    scopes=scopes,
                    created_at=now,
                    expires_at=expires_at,
                )
            )
        return self.key(id)

    def key(self, key_id: str) -> ApiKey:
        with self.engine.connect() as conn:
            row = conn.execute(select(api_keys).where(api_keys.c.id == key_id)).first()
        if row is None:
            raise NotFound(f"no key with id {key_id} (`ideovault key list` shows them)")
        return _key(row)

    def key_and_user(self, key_id: str) -> tuple[ApiKey, User] | None:
        """A key and its user in one query: what every authenticated request needs."""
        columns = [*api_keys.c, *(c.label(f"u_{c.name}") for c in users.c)]
        query = select(*columns).join(users, users.c.id == api_keys.c.user_id)
        with self.engine.connect() as conn:
            row = conn.execute(query.where(api_keys.c.id == key_id)).first()
        if row is None:
            return None
        u = row._mapping
        user = User(
            u["u_id"], u["u_name"], u["u_role"], _aware(u["u_created_at"]) or u["u_created_at"],
            _aware(u["u_disabled_at"]), u["u_daily_usd"], u["u_monthly_usd"],
        )  # fmt: skip
        return _key(row), user

    def list_keys(self, user_id: str | None = None) -> list[ApiKey]:
        query = select(api_keys).order_by(api_keys.c.created_at, api_keys.c.id)
        if user_id is not None:
            query = query.where(api_keys.c.user_id == user_id)
        with self.engine.connect() as conn:
            return [_key(r) for r in conn.execute(query)]

    def update_key(self, key_id: str, **values: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(api_keys).where(api_keys.c.id == key_id).values(**values))

    def add_session(
        self, secret_sha256: str, now: datetime, expires_at: datetime, *,
        key_id: str | None = None, user_id: str | None = None,
    ) -> None:  # fmt: skip
        """A session of a key, or of a user signed in by the identity provider (one of two)."""
        if (key_id is None) == (user_id is None):
            raise ValueError("a session belongs to a key or to a user")
        with self.engine.begin() as conn:
            conn.execute(
                insert(sessions).values(
                    secret_sha256=secret_sha256,
                    key_id=key_id,
                    user_id=user_id,
                    created_at=now,
                    expires_at=expires_at,
                )
            )

    def session(self, secret_sha256: str) -> tuple[str | None, str | None, datetime] | None:
        """(key id, user id, expiry) of a session (one of the ids is None), or None."""
        columns = (sessions.c.key_id, sessions.c.user_id, sessions.c.expires_at)
        with self.engine.connect() as conn:
            row = conn.execute(
                select(*columns).where(sessions.c.secret_sha256 == secret_sha256)
            ).first()
        if row is None:
            return None
        return row.key_id, row.user_id, _aware(row.expires_at) or row.expires_at

    def end_session(self, secret_sha256: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(sessions.delete().where(sessions.c.secret_sha256 == secret_sha256))
