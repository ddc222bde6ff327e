"""Who is acting: the principal of a request or process, with its role's scopes.

A leaf module, so that the context, the services and the web's sign-in can all name the actor
without importing the people service (users, keys, sessions) that decides who it is.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

ROLES = ("viewer", "editor", "admin")
SCOPES = ("images:read", "images:write", "generate", "admin")
ROLE_SCOPES: dict[str, frozenset[str]] = {
    "viewer": frozenset({"images:read"}),
    "editor": frozenset({"images:read", "images:write", "generate"}),
    "admin": frozenset(SCOPES),
}


@dataclass(frozen=True)
class Principal:
    """Who is acting, and with which scopes (the role's, narrowed by the key's)."""

    name: str
    role: str
    scopes: frozenset[str]
    key_id: str | None = None

    def allows(self, scope: str) -> bool:
        return scope in self.scopes


# The single owner of a local vault (no users): may do everything, and needs no login.
LOCAL_OWNER = Principal("local", "admin", ROLE_SCOPES["admin"])
# Whoever holds IDEOVAULT_TOKEN on a server without users: the operator, so an admin.
TOKEN_HOLDER = Principal("token", "admin", ROLE_SCOPES["admin"])
# Who reaches a public route (the sign-in page): nobody yet.
ANONYMOUS = Principal("anonymous", "none", frozenset())


# Who the current request acts for: the server sets it per request (web/auth.py); a local
# process is its single owner. Read where a generation starts, to log and budget per person.
ACTING: ContextVar[Principal] = ContextVar("ideovault_acting", default=LOCAL_OWNER)


def acting_name() -> str:
    """The name of whoever the current request or process acts for (``local`` on one's own)."""
    return ACTING.get().name
