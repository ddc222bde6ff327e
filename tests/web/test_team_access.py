"""Roles by routes: every REST route and page, for every kind of caller, on SQLite and PostgreSQL.

Who: an admin, an editor, a viewer, an editor's key narrowed to ``images:read``, and keys that
must be refused (revoked, expired, of a disabled user, none at all). What each may do is
written out here independently of ``web/auth.py``: the least role each route needs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute

from ideogram_fake import FakeServer
from ideovault.config_oidc import OidcSettings
from ideovault.vault import Vault
from ideovault.web import WebSettings, create_app
from ideovault.web.auth import RULES, Lockout
from ideovault.web.serve import ServerThread
from tests.conftest import TEST_API_KEY
from tests.web.conftest import CHANGE, open_vault

# The least role each route needs (None: anyone, even without a key).
LEAST_ROLE: dict[tuple[str, str], str | None] = {
    ("GET", "/"): "viewer",
    ("GET", "/trash"): "viewer",
    ("GET", "/report"): "viewer",
    ("GET", "/images/{image_id}"): "viewer",
    ("GET", "/signin"): None,
    ("GET", "/signout"): None,
    ("GET", "/oidc/login"): None,
    ("GET", "/oidc/callback"): None,
    ("GET", "/healthz"): None,
    ("GET", "/readyz"): None,
    ("GET", "/metrics"): "viewer",
    ("GET", "/api/images"): "viewer",
    ("GET", "/api/images/{image_id}"): "viewer",
    ("GET", "/api/images/{image_id}/original"): "viewer",
    ("HEAD", "/api/images/{image_id}/original"): "viewer",
    ("GET", "/api/images/{image_id}/thumbnail"): "viewer",
    ("HEAD", "/api/images/{image_id}/thumbnail"): "viewer",
    ("GET", "/api/images/{image_id}/lineage"): "viewer",
    ("GET", "/api/report"): "viewer",
    ("GET", "/api/choices"): "viewer",
    ("GET", "/api/whoami"): "viewer",
    ("POST", "/api/images/{image_id}/tags"): "editor",
    ("POST", "/api/images/{image_id}/star"): "editor",
    ("POST", "/api/images/{image_id}/trash"): "editor",
    ("POST", "/api/images/{image_id}/restore"): "editor",
    ("POST", "/api/generate"): "editor",
    ("POST", "/api/images/{image_id}/reproduce"): "editor",
    ("GET", "/api/users"): "admin",
    ("POST", "/api/users"): "admin",
    ("POST", "/api/users/{name}/role"): "admin",
    ("POST", "/api/users/{name}/disable"): "admin",
    ("GET", "/api/keys"): "admin",
    ("POST", "/api/keys"): "admin",
    ("POST", "/api/keys/{key_id}/revoke"): "admin",
    ("GET", "/api/audit"): "admin",
    ("GET", "/albums"): "viewer",
    ("GET", "/compare"): "viewer",
    ("GET", "/api/count"): "viewer",
    ("GET", "/api/zip"): "viewer",
    ("POST", "/api/zip"): "viewer",
    ("GET", "/api/albums"): "viewer",
    ("GET", "/api/albums/{album_id}"): "viewer",
    ("GET", "/api/images/{image_id}/albums"): "viewer",
    ("POST", "/api/images/{image_id}/rating"): "editor",
    ("POST", "/api/bulk"): "editor",
    ("POST", "/api/albums"): "editor",
    ("PATCH", "/api/albums/{album_id}"): "editor",
    ("DELETE", "/api/albums/{album_id}"): "editor",
    ("POST", "/api/albums/{album_id}/cover"): "editor",
    ("GET", "/api/list"): "viewer",
    ("GET", "/api/trash"): "viewer",
    ("GET", "/api/images/{image_id}/url"): "viewer",
    ("GET", "/api/images/{image_id}/similar"): "viewer",
    ("GET", "/api/semantic"): "viewer",
    ("POST", "/api/describe"): "editor",
    ("POST", "/api/magic-prompt"): "editor",
    ("GET", "/api/batches"): "viewer",
    ("GET", "/api/batches/{batch_id}"): "viewer",
    ("POST", "/api/batches"): "editor",
    ("POST", "/api/batches/{batch_id}/run"): "editor",
    ("POST", "/api/batches/{batch_id}/stop"): "editor",
    ("POST", "/api/batches/{batch_id}/reopen"): "editor",
    ("POST", "/api/batches/{batch_id}/cancel"): "editor",
    ("GET", "/s/{token}"): None,  # a shared link checks itself (tests/web/test_shares.py)
    ("GET", "/s/{token}/images/{image_id}/original"): None,
    ("HEAD", "/s/{token}/images/{image_id}/original"): None,
    ("GET", "/s/{token}/images/{image_id}/thumbnail"): None,
    ("HEAD", "/s/{token}/images/{image_id}/thumbnail"): None,
    ("GET", "/api/shares"): "editor",
    ("POST", "/api/shares"): "editor",
    ("POST", "/api/shares/{share_id}/revoke"): "editor",
}
# OpenID Connect's routes exist only when it is configured: this provider is never reached.
OIDC = OidcSettings("http://127.0.0.1:9", "ideovault", "client-secret", "preferred_username")
SETTINGS = WebSettings(port=0, oidc=OIDC)
RANK = {"viewer": 0, "editor": 1, "admin": 2}
BODIES: dict[str, Any] = {
    "/api/images/{image_id}/tags": {"add": ["matrix"]},
    "/api/images/{image_id}/star": {"starred": True},
    "/api/generate": {"prompt": "a cat", "dry_run": True},
    "/api/images/{image_id}/reproduce": {"force": False},
    "/api/users": {"name": "newcomer", "role": "viewer"},
    "/api/users/{name}/role": {"role": "viewer"},
    "/api/keys": {"user": "zed"},
    "/api/images/{image_id}/rating": {"rating": 3},
    "/api/bulk": {"action": "star", "query": "matrix", "starred": True},
    "/api/albums": {"name": "matrix"},
    "/api/zip": {"ids": []},
    "/api/describe": {"source": "not-an-id"},
    "/api/magic-prompt": {"text": "a cat"},
    "/api/batches": {"file_name": "rows.jsonl", "text": '{"prompt": "a cat"}', "dry_run": True},
    "/api/shares": {"what": "lighthouse", "expires": "1d"},
}


@dataclass
class Team:
    vault: Vault
    url: str
    keys: dict[str, str]
    image_id: str
    spare_key_id: str


def every_route(vault: Vault) -> list[tuple[str, str]]:
    """(method, path) of every API route of the app, including those of included routers."""
    out: list[tuple[str, str]] = []

    def walk(routes: list[Any]) -> None:
        for route in routes:
            if isinstance(route, APIRoute):
                out.extend((m, route.path) for m in sorted(route.methods))
            elif hasattr(route, "original_router"):  # FastAPI's lazily included routers
                walk(route.original_router.routes)

    walk(create_app(vault, SETTINGS).routes)
    return out


@pytest.fixture
def team(tmp_path: Path, fake: FakeServer, catalog_url: str) -> Iterator[Team]:
    with open_vault(tmp_path / "home", fake, catalog_url) as vault:
        for name, role in [("ada", "admin"), ("ed", "editor"), ("vi", "viewer"), ("dis", "editor"),
                           ("zed", "viewer")]:  # fmt: skip
            vault.people.add_user(name, role, "test")
        keys = {
            "admin": vault.people.create_key("ada", [], None, "test")[1],
            "editor": vault.people.create_key("ed", [], None, "test")[1],
            "viewer": vault.people.create_key("vi", [], None, "test")[1],
            "scoped": vault.people.create_key("ed", ["images:read"], None, "test")[1],
        }
        revoked, keys["revoked"] = vault.people.create_key("ed", [], None, "test")
        vault.people.revoke_key(revoked.id, "test")
        expired, keys["expired"] = vault.people.create_key("ed", [], timedelta(days=1), "test")
        past = datetime.now(UTC) - timedelta(seconds=1)
        vault.people.store().update_key(expired.id, expires_at=past)
        keys["disabled"] = vault.people.create_key("dis", [], None, "test")[1]
        vault.people.disable("dis", "test")
        spare = vault.people.create_key("zed", [], None, "test")[0]
        app = create_app(vault, SETTINGS)
        app.state.lockout = Lockout(max_failures=10**6)  # this test fails keys on purpose
        with ServerThread(app) as running:
            yield Team(vault, running.url, keys, vault.images.list(1).records[0].id, spare.id)


def call(team: Team, method: str, path: str, key: str | None) -> httpx.Response:
    url = path.format(image_id=team.image_id, name="zed", key_id=team.spare_key_id,
                      album_id="0193a5c2-0000-7000-8000-000000000001",
                      batch_id="0193a5c2-0000-7000-8000-000000000002",
                      token="ivs_" + "0" * 32 + "_" + "A" * 43, share_id="0" * 32)  # fmt: skip
    headers = {**CHANGE, **({"Authorization": f"Bearer {key}"} if key else {})}
    body = BODIES.get(path, {}) if method in ("POST", "PATCH") else None
    response = httpx.request(method, team.url + url, json=body, headers=headers, timeout=60)
    assert TEST_API_KEY not in response.text and TEST_API_KEY not in str(response.headers)
    return response


def test_every_route_has_an_explicit_rule_and_an_expectation(vault: Vault) -> None:
    routes = every_route(vault)
    assert {(m, p) for m, p in routes} == set(LEAST_ROLE)
    assert {("GET" if m == "HEAD" else m, p) for m, p in routes} == set(RULES)


def test_role_by_route_matrix(team: Team) -> None:
    callers = {"admin": "admin", "editor": "editor", "viewer": "viewer", "scoped": "viewer"}
    refused = ["revoked", "expired", "disabled", None]
    problems = []
    for method, path in LEAST_ROLE:
        least = LEAST_ROLE[(method, path)]
        for caller, role in callers.items():
            status = call(team, method, path, team.keys[caller]).status_code
            allowed = least is None or RANK[role] >= RANK[least]
            if allowed == (status in (401, 403)):
                problems.append((caller, method, path, status))
        for bad in refused:
            status = call(team, method, path, team.keys[bad] if bad else None).status_code
            if least is not None and status != 401:
                problems.append((bad, method, path, status))
    assert not problems


def test_the_audit_log_names_who_changed_what(team: Team) -> None:
    assert call(team, "POST", "/api/images/{image_id}/star", team.keys["editor"]).status_code == 200
    assert call(team, "POST", "/api/images/{image_id}/star", team.keys["viewer"]).status_code == 403
    made = call(team, "POST", "/api/keys", team.keys["admin"]).json()
    entries = team.vault.people.audit_entries()
    actions = [(e.actor, e.action, e.target) for e in entries]
    assert ("ed", "POST /api/images/{image_id}/star", team.image_id) in actions
    assert not any(actor == "vi" and "star" in action for actor, action, _ in actions)
    assert ("ada", "key.create", made["id"]) in actions
    assert all(made["key"] not in str(e.to_json()) for e in entries)  # never the key itself
    assert call(team, "GET", "/api/audit", team.keys["viewer"]).status_code == 403
    log = call(team, "GET", "/api/audit", team.keys["admin"]).json()
    assert {"actor": "ada", "action": "key.create"}.items() <= log[-2].items()


def test_a_revoked_key_is_refused_at_once(team: Team) -> None:
    row, key = team.vault.people.create_key("ed", [], None, "test")
    assert call(team, "GET", "/api/whoami", key).json()["name"] == "ed"
    team.vault.people.revoke_key(row.id, "test")
    assert call(team, "GET", "/api/whoami", key).status_code == 401
    team.vault.people.set_role("vi", "editor", "test")  # a role change applies at once too
    assert call(team, "GET", "/api/whoami", team.keys["viewer"]).json()["role"] == "editor"


def test_keys_are_stored_only_as_a_hash(team: Team) -> None:
    for row in team.vault.people.store().list_keys():
        assert len(row.secret_sha256) == 64
    for key in team.keys.values():
        secret = key[len("ivk_") + 33 :]
        assert len(secret) >= 43  # 256 bits
        for row in team.vault.people.store().list_keys():
            assert secret not in str(row)
    listed = call(team, "GET", "/api/keys", team.keys["admin"]).text
    assert not any(key[len("ivk_") + 33 :] in listed for key in team.keys.values())
    assert "secret" not in listed
