"""Signing in to a team's gallery with its OpenID Connect provider: the ``[oidc]`` settings.

Optional (the ``oidc`` extra). The issuer and client id may come from ``ideovault.toml`` or the
environment; the client secret only from the environment (``IDEOVAULT_OIDC_CLIENT_SECRET``),
like the Ideogram key, so that a copied or backed-up configuration file holds no secret. Every
value is checked when the settings load, and no message ever contains the secret.

How a person the provider vouches for becomes an ideovault user (``claim``):

* ``email`` (the default): the ``email`` claim, marked verified by the provider, in the one
  domain ``email_domain`` names; its part before ``@`` is the user name (``ada@example.com`` →
  ``ada``). A provider that lets people pick any address cannot reach another domain's names.
* ``preferred_username``: that claim, lower-cased, is the user name; only for a provider whose
  administrators assign user names (anyone who can choose their own could choose ``admin``).

Either way the name must belong to an existing user that is not disabled: the provider proves
who someone is, and the vault's admins decide whether and with which role they may come in.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ideovault import config_checks as checks
from ideovault.errors import UserError

CLAIMS = ("email", "preferred_username")
KEYS = ("issuer", "client_id", "claim", "email_domain", "redirect_uri")
ENV = {"issuer": "IDEOVAULT_OIDC_ISSUER", "client_id": "IDEOVAULT_OIDC_CLIENT_ID"}
SECRET_ENV = "IDEOVAULT_OIDC_CLIENT_SECRET"  # noqa: S105 (the variable's name, not a secret)


@dataclass(frozen=True)
class OidcSettings:
    """Where the provider is and who this gallery is to it. The secret stays out of ``repr``."""

    issuer: str
    client_id: str
    client_secret: str = field(repr=False)
    claim: str = "email"
    email_domain: str | None = None
    redirect_uri: str | None = None  # the callback as the provider must see it (behind a proxy)

    @property
    def metadata_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


def load(doc: dict[str, Any], env: dict[str, str], file: Path) -> OidcSettings | None:
    """The ``[oidc]`` table of ``ideovault.toml`` with the environment over it, or None when
    nothing asks for OpenID Connect (UserError for a half or a wrong configuration)."""
    table = doc.get("oidc", {})
    if not isinstance(table, dict):
        raise UserError(f"{file}: [oidc] must be a table")
    if "client_secret" in table:
        raise UserError(
            f"{file} must not hold the OpenID Connect client secret; set {SECRET_ENV} in the "
            "environment of `ideovault serve`"
        )
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise UserError(
            f"{file}: [oidc] has unknown key(s) {', '.join(unknown)}; known: {', '.join(KEYS)}"
        )
    for name, value in table.items():
        if not isinstance(value, str):
            raise UserError(f"{file}: [oidc] {name} must be a string")
    values = {k: env.get(ENV[k]) or table.get(k) for k in ENV}
    secret = env.get(SECRET_ENV) or None
    if not any(values.values()) and not secret:
        return None
    missing = [ENV[k] for k, v in values.items() if not v]
    where = f" (or [oidc] {' / '.join(k for k, v in values.items() if not v)} in {file})"
    if missing or not secret:
        raise UserError(
            "signing in with OpenID Connect needs the issuer, the client id and the client "
            f"secret; missing: {', '.join([*missing, *([] if secret else [SECRET_ENV])])}"
            + (where if missing else "")
        )
    issuer = _issuer(str(values["issuer"]))
    claim = table.get("claim", "email")
    if claim not in CLAIMS:
        raise UserError(f"{file}: [oidc] claim must be one of {', '.join(CLAIMS)}")
    domain = table.get("email_domain", "").strip().lower() or None
    if claim == "email" and not domain:
        raise UserError(
            f'{file}: [oidc] email_domain is needed with claim = "email": the domain whose '
            'addresses are your people (e.g. email_domain = "example.com")'
        )
    redirect = table.get("redirect_uri") or None
    if redirect:
        checks.base_url(redirect, f"{file}: [oidc] redirect_uri")
    return OidcSettings(
        issuer, str(values["client_id"]), str(secret), claim, domain, redirect
    )  # fmt: skip


def _issuer(value: str) -> str:
    """An https URL (plain http only on loopback, e.g. a provider on this machine)."""
    checks.base_url(value, "the OpenID Connect issuer")
    parts = urlsplit(value)
    if parts.scheme != "https" and not _loopback(parts.hostname or ""):
        raise UserError(
            "the OpenID Connect issuer must be an https:// URL (plain http only on loopback)"
        )
    return value


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
