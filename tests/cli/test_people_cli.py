"""`ideovault user`, `key` and `audit` from the command line, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

from tests.cli.conftest import Result


def test_first_admin_users_keys_and_audit(run) -> None:  # type: ignore[no-untyped-def]
    first: Result = run("user", "init", "ada", "--json")
    assert first.code == 0, first.err
    admin_key = json.loads(first.out)["key"]
    assert admin_key.startswith("ivk_") and len(admin_key) >= 70
    again = run("user", "init", "bob")
    assert again.code == 2 and "already has users" in again.err
    assert run("user", "add", "ed", "--role", "editor").code == 0
    assert run("user", "add", "vi").code == 0  # viewer by default
    bad_role = run("user", "add", "max", "--role", "owner")
    assert bad_role.code == 2 and "unknown role" in bad_role.err
    assert run("user", "add", "ed").code == 2  # already exists
    assert run("user", "add", "../etc").code == 2
    users = {u["name"]: u for u in json.loads(run("user", "list", "--json").out)}
    assert {n: u["role"] for n, u in users.items()} == {
        "ada": "admin",
        "ed": "editor",
        "vi": "viewer",
    }
    assert run("user", "set-role", "vi", "editor").code == 0
    made = run(
        "key", "create", "--user", "ed", "--scope", "images:read", "--expires", "90d", "--json"
    )
    assert made.code == 0, made.err
    key = json.loads(made.out)
    listed = run("key", "list", "--json")
    assert key["key"] not in listed.out and key["key"][37:] not in listed.out
    row = next(k for k in json.loads(listed.out) if k["id"] == key["id"])
    assert row["scopes"] == ["images:read"] and row["expires_at"] and row["revoked_at"] is None
    assert run("key", "create", "--user", "ed", "--scope", "everything").code == 2
    assert run("key", "revoke", key["id"]).code == 0
    assert json.loads(run("key", "list", "--user", "ed", "--json").out)[0]["revoked_at"]
    assert run("key", "revoke", "0" * 32).code == 2
    assert run("user", "disable", "vi").code == 0
    assert run("key", "create", "--user", "vi").code == 2  # disabled
    log = json.loads(run("audit", "--json", "--since", "1d").out)
    actions = [(e["actor"], e["action"], e["target"]) for e in log]
    assert ("local", "user.add", "ada") in actions and ("local", "user.disable", "vi") in actions
    assert ("local", "user.set-role", "vi") in actions and (
        "local",
        "key.revoke",
        key["id"],
    ) in actions
    assert admin_key not in json.dumps(log)
    assert run("audit", "--user", "nobody", "--json").out.strip() == "[]"
