"""People, roles and personal API keys: who may do what with a vault served to a team.

Roles nest: a viewer reads, searches and downloads; an editor also generates and changes
(tags, stars, trash and restore, batches); an admin also purges, cleans up and manages people,
keys and budgets. A key carries scopes that can only narrow its user's role, like Immich's
per-key permissions: a key for a CI job can be ``images:read`` only even if its user is admin.

A key is ``ivk_<key id>_<secret>``; the secret has 256 bits from ``secrets`` and only its
SHA-256 is stored. Checking one costs a primary-key lookup and a constant-time comparison.
Without any user the vault is local: one owner, no login, exactly as before teams existed.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from ideovault import ids
from ideovault.catalog import audit
from ideovault.catalog.people import ApiKey, PeopleStore, User
from ideovault.errors import UserError
from ideovault.vault.actors import (
    ACTING,
    LOCAL_OWNER,
    ROLE_SCOPES,
    ROLES,
    SCOPES,
    TOKEN_HOLDER,
    Principal,
    acting_name,
)  # fmt: skip

if TYPE_CHECKING:
    from ideovault.vault.context import VaultContext

KEY_PREFIX = "ivk_"
SESSION_LIFETIME = timedelta(days=7)
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
_KEY = re.compile(r"ivk_([0-9a-f]{32})_([A-Za-z0-9_-]{43})")


def store(ctx: VaultContext) -> PeopleStore:
    return ctx.catalog.people


def is_team(ctx: VaultContext) -> bool:
    """True once any user exists: from then on every request needs a key or a session."""
    return store(ctx).count_users() > 0


def record(
    ctx: VaultContext, actor: str, action: str, target: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:  # fmt: skip
    """Append one line to the audit log (``catalog/audit.py``: nothing can remove it)."""
    ctx.catalog.audit.append(actor, action, target, detail)


MAX_LOGGED_IDS = 100  # an entry names at most this many images, and counts them all


def note(
    ctx: VaultContext, action: str, image_ids: Sequence[str], detail: dict[str, Any] | None = None
) -> None:
    """Log a change to images by whoever acts now: a request's person on a server, the owner
    (``local``) in a local process — so the CLI and MCP changes are in the log as well as the
    server's. A server's request also has its route's own entry (``web/auth.py``)."""
    if not image_ids:
        return
    target = image_ids[0] if len(image_ids) == 1 else f"{len(image_ids)} images"
    logged = {"ids": list(image_ids[:MAX_LOGGED_IDS]), "count": len(image_ids), **(detail or {})}
    record(ctx, acting_name(), action, target, logged)


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}: use {', '.join(ROLES)}")
    return role


def add_user(ctx: VaultContext, name: str, role: str, actor: str) -> User:
    if not _NAME.fullmatch(name):
        raise UserError(
            f"{name!r} is not a user name: 1-64 lower-case letters, digits, '.', '_' or '-'"
        )
    user = store(ctx).add_user(ids.new_id(), name, _check_role(role), datetime.now(UTC))
    record(ctx, actor, "user.add", name, {"role": role})
    return user


def first_admin(ctx: VaultContext, name: str) -> tuple[User, str]:
    """The one-time start of a team: the first admin and a key for them (no users yet)."""
    if is_team(ctx):
        raise UserError(
            "this vault already has users: an admin adds more with `ideovault user add`"
        )
    user = add_user(ctx, name, "admin", actor="local")
    _, key = create_key(ctx, name, [], None, actor="local")
    return user, key


def set_role(ctx: VaultContext, name: str, role: str, actor: str) -> User:
    user = store(ctx).update_user(name, role=_check_role(role))
    record(ctx, actor, "user.set-role", name, {"role": role})
    return user


def disable(ctx: VaultContext, name: str, actor: str) -> User:
    """Disabled users can no longer sign in; their records keep their name."""
    user = store(ctx).update_user(name, disabled_at=datetime.now(UTC))
    record(ctx, actor, "user.disable", name)
    return user


def create_key(
    ctx: VaultContext, user_name: str, scopes: list[str], expires: timedelta | None, actor: str
) -> tuple[ApiKey, str]:
    """A new key for a user: (its row, the key itself, shown once and never stored)."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise UserError(f"unknown scope {', '.join(unknown)}: use {', '.join(SCOPES)}")
    if expires is not None and expires <= timedelta(0):
        raise UserError("a key's lifetime must be positive, e.g. --expires 90d")
    user = store(ctx).user(user_name)
    if user.disabled_at is not None:
        raise UserError(f"user {user_name!r} is disabled")
    key_id = ids.new_id().replace("-", "")
    secret = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    row = store(ctx).add_key(
        key_id, user.id, _digest(secret), sorted(set(scopes)), now,
        now + expires if expires is not None else None,
    )  # fmt: skip
    record(ctx, actor, "key.create", key_id, {"user": user_name, "scopes": sorted(scopes)})
    return row, f"{KEY_PREFIX}{key_id}_{secret}"


def list_keys(ctx: VaultContext, user_name: str | None = None) -> list[dict[str, Any]]:
    people = store(ctx)
    names = {u.id: u.name for u in people.list_users()}
    user_id = people.user(user_name).id if user_name else None
    return [k.to_json(names.get(k.user_id, "?")) for k in people.list_keys(user_id)]


def revoke_key(ctx: VaultContext, key_id: str, actor: str) -> None:
    people = store(ctx)
    people.key(key_id)  # NotFound for an unknown id
    people.update_key(key_id, revoked_at=datetime.now(UTC))
    record(ctx, actor, "key.revoke", key_id)


def authenticate(ctx: VaultContext, key: str) -> Principal | None:
    """The principal of a valid key, or None (unknown, wrong, revoked, expired, disabled)."""
    match = _KEY.fullmatch(key.strip())
    if match is None:
        return None
    found = store(ctx).key_and_user(match.group(1))
    if found is None or not secrets.compare_digest(found[0].secret_sha256, _digest(match.group(2))):
        return None
    return _principal_of(*found)


def _principal_of(row: ApiKey, user: User) -> Principal | None:
    now = datetime.now(UTC)
    if row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= now):
        return None
    if user.disabled_at is not None:
        return None
    allowed = ROLE_SCOPES[user.role]
    scopes = allowed & frozenset(row.scopes) if row.scopes else allowed
    return Principal(user.name, user.role, scopes, row.id)


def start_session(ctx: VaultContext, principal: Principal) -> str:
    """A new gallery session for a signed-in key: a fresh secret every sign-in."""
    if principal.key_id is None:
        raise UserError("only a personal key can start a session")
    secret = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    store(ctx).add_session(_digest(secret), now, now + SESSION_LIFETIME, key_id=principal.key_id)
    record(ctx, principal.name, "session.start", principal.key_id)
    return secret


def start_user_session(ctx: VaultContext, name: str, how: str) -> str:
    """A new gallery session for a person the team's identity provider vouched for (``how``
    says which, for the audit log); refused for an unknown or disabled user."""
    user = store(ctx).user(name)
    if user.disabled_at is not None:
        raise UserError(f"user {name!r} is disabled: an admin can tell you why")
    secret = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    store(ctx).add_session(_digest(secret), now, now + SESSION_LIFETIME, user_id=user.id)
    record(ctx, user.name, "session.start", None, {"via": how})
    return secret


def session_principal(ctx: VaultContext, secret: str) -> Principal | None:
    """The principal of a live session; its key's revocation or expiry, or its user's being
    disabled, ends it at once, and a role change applies to the next request."""
    found = store(ctx).session(_digest(secret))
    if found is None or found[2] <= datetime.now(UTC):
        return None
    key_id, user_id, _ = found
    if key_id is None:
        user = store(ctx).user_by_id(str(user_id))
        if user.disabled_at is not None:
            return None
        return Principal(user.name, user.role, ROLE_SCOPES[user.role])
    pair = store(ctx).key_and_user(key_id)
    return _principal_of(*pair) if pair is not None else None


def end_session(ctx: VaultContext, secret: str) -> None:
    store(ctx).end_session(_digest(secret))


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def audit_entries(
    ctx: VaultContext, user: str | None = None, since: datetime | None = None, limit: int = 1000
) -> list[audit.AuditEntry]:
    return ctx.catalog.audit.entries(actor=user, since=since, limit=limit)


def note_generation(ctx: VaultContext, generation_id: str, usd: float, model: str) -> None:
    """Log who started a generation and its estimated cost: ``by:NAME`` and budgets read it."""
    detail = {"usd": round(usd, 6), "model": model}
    record(ctx, ACTING.get().name, "generate", generation_id, detail)


def spent_by(ctx: VaultContext, name: str, since: datetime) -> float:
    rows = ctx.catalog.audit.entries(actor=name, since=since, action="generate",
                         limit=1_000_000)  # fmt: skip
    return sum(float((e.detail or {}).get("usd") or 0.0) for e in rows)


def check_person_budget(ctx: VaultContext, usd: float) -> None:
    """Refuse, before any call, what would take the acting person over their own budget."""
    name = ACTING.get().name
    if name in (LOCAL_OWNER.name, TOKEN_HOLDER.name) or not is_team(ctx):
        return
    user = store(ctx).user(name)
    day = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    for limit, kind, label, since in (
        (user.daily_usd, "daily", "today", day),
        (user.monthly_usd, "monthly", "this month", day.replace(day=1)),
    ):
        if limit is None:
            continue
        spent = spent_by(ctx, name, since)
        if spent + usd > limit + 1e-9:
            raise UserError(
                f"over {name}'s {kind} budget: ${spent:.2f} of ${limit:.2f} spent {label}, and "
                f"this request would add about ${usd:.2f}; an admin can raise it with "
                f"`ideovault user budget {name}`"
            )


def set_budget(
    ctx: VaultContext, name: str, daily: float | None, monthly: float | None, actor: str
) -> User:
    for value in (daily, monthly):
        if value is not None and value < 0:
            raise UserError("a budget is a number of dollars, 0 or more")
    user = store(ctx).update_user(name, daily_usd=daily, monthly_usd=monthly)
    record(ctx, actor, "user.budget", name, {"daily_usd": daily, "monthly_usd": monthly})
    return user


def cost_by_person(ctx: VaultContext) -> list[dict[str, Any]]:
    """Estimated spend per person, model and month, from the generate entries of the log."""
    totals: dict[tuple[str, str, str], list[float]] = {}
    for e in ctx.catalog.audit.entries(action="generate", limit=1_000_000):
        detail = e.detail or {}
        key = (e.actor, str(detail.get("model") or "?"), e.at.strftime("%Y-%m"))
        bucket = totals.setdefault(key, [0, 0.0])
        bucket[0] += 1
        bucket[1] += float(detail.get("usd") or 0.0)
    return [
        {"person": p, "model": m, "month": mo, "generations": int(n), "usd": round(usd, 4)}
        for (p, m, mo), (n, usd) in sorted(totals.items())
    ]
