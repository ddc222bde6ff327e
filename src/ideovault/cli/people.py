"""`ideovault user …`, `key …` and `audit`: the people of a team vault, run on the server's
machine (whoever holds the catalog's credentials is its operator; actions are logged as
``local``). `user init NAME` makes the first admin once; admins do the rest."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from ideovault.cli.app import GLOBALS, app
from ideovault.cli.options import Json
from ideovault.cli.output import out, print_json, say
from ideovault.units import parse_duration

user_app = typer.Typer(help="People of a team vault and their roles.", no_args_is_help=True)
key_app = typer.Typer(
    help="Personal API keys (shown once, stored as a hash).", no_args_is_help=True
)
app.add_typer(user_app, name="user")
app.add_typer(key_app, name="key")
LOCAL = "local"
Role = Annotated[str, typer.Option("--role", help="viewer, editor or admin.")]


def _users_table(rows: list[dict[str, object]]) -> Table:
    table = Table(title="users")
    for column in ("name", "role", "created_at", "disabled_at"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            *(escape(str(row[c] or "")) for c in ("name", "role", "created_at", "disabled_at"))
        )
    return table


@user_app.command("init")
def user_init(
    name: Annotated[str, typer.Argument(help="The first admin's name.")], as_json: Json = False
) -> None:
    """Make the first admin and their key, once, on the server's machine."""
    with GLOBALS.open_vault() as vault:
        user, key = vault.people.first_admin(name)
    if as_json:
        print_json({"user": user.to_json(), "key": key})
    else:
        say(f"admin {escape(user.name)} created; their key (shown once, keep it safe):")
        typer.echo(key)


@user_app.command("add")
def user_add(name: str, role: Role = "viewer", as_json: Json = False) -> None:
    """Add a person with a role (viewer: read; editor: + generate and change; admin: all)."""
    with GLOBALS.open_vault() as vault:
        user = vault.people.add_user(name, role, LOCAL)
    if as_json:
        print_json(user.to_json())
    else:
        say(
            f"added {escape(user.name)} as {user.role}; "
            f"`ideovault key create --user {escape(name)}` makes their key"
        )


@user_app.command("list")
def user_list(as_json: Json = False) -> None:
    """Everyone, with role and whether disabled."""
    with GLOBALS.open_vault() as vault:
        rows = [u.to_json() for u in vault.people.users()]
    if as_json:
        print_json(rows)
    else:
        out.print(_users_table(rows))


@user_app.command("set-role")
def user_set_role(
    name: str,
    role: Annotated[str, typer.Argument(help="viewer, editor or admin.")],
    as_json: Json = False,
) -> None:
    """Change a person's role (their keys follow at once)."""
    with GLOBALS.open_vault() as vault:
        user = vault.people.set_role(name, role, LOCAL)
    print_json(user.to_json()) if as_json else say(f"{escape(name)} is now {user.role}")


@user_app.command("disable")
def user_disable(name: str, as_json: Json = False) -> None:
    """Stop a person signing in (their keys stop at once; their records keep their name)."""

    with GLOBALS.open_vault() as vault:
        user = vault.people.disable(name, LOCAL)
    print_json(user.to_json()) if as_json else say(f"{escape(name)} is disabled")


@user_app.command("budget")
def user_budget(
    name: str,
    daily: Annotated[
        float | None, typer.Option("--daily", help="USD a day (omit: no limit).")
    ] = None,
    monthly: Annotated[
        float | None, typer.Option("--monthly", help="USD a month (omit: none).")
    ] = None,
    as_json: Json = False,
) -> None:
    """Set a person's own budgets, on top of the team's [budget] in ideovault.toml."""
    with GLOBALS.open_vault() as vault:
        user = vault.people.set_budget(name, daily, monthly, LOCAL)
    print_json(user.to_json()) if as_json else say(f"budgets of {escape(name)} set")


@key_app.command("create")
def key_create(
    user: Annotated[str, typer.Option("--user", help="Whose key.")],
    scope: Annotated[
        list[str],
        typer.Option(
            "--scope",
            help="images:read, images:write, generate, admin (repeatable; default: the role's).",
        ),
    ] = [],
    expires: Annotated[str | None, typer.Option("--expires", help="Lifetime, e.g. 90d.")] = None,
    as_json: Json = False,
) -> None:
    """Make a key and print it once (the vault keeps only its hash)."""

    lifetime = parse_duration(expires) if expires else None
    with GLOBALS.open_vault() as vault:
        row, key = vault.people.create_key(user, scope, lifetime, LOCAL)
    if as_json:
        print_json({"id": row.id, "key": key})
    else:
        say(f"key {row.id} for {escape(user)} (shown once, keep it safe):")
        typer.echo(key)


@key_app.command("list")
def key_list(
    user: Annotated[str | None, typer.Option("--user", help="Only this person's.")] = None,
    as_json: Json = False,
) -> None:
    """Keys: id, user, scopes, expiry, revocation, last use (never the key)."""
    with GLOBALS.open_vault() as vault:
        rows = vault.people.list_keys(user)
    if as_json:
        print_json(rows)
        return
    table = Table(title="keys")
    for column in ("id", "user", "scopes", "expires_at", "revoked_at"):
        table.add_column(column)
    for row in rows:
        scopes = ",".join(row["scopes"]) or "(role)"
        table.add_row(
            row["id"],
            escape(row["user"]),
            scopes,
            str(row["expires_at"] or ""),
            str(row["revoked_at"] or ""),
        )
    out.print(table)


@key_app.command("revoke")
def key_revoke(key_id: Annotated[str, typer.Argument(metavar="ID")]) -> None:
    """Refuse a key from now on."""
    with GLOBALS.open_vault() as vault:
        vault.people.revoke_key(key_id, LOCAL)
    say(f"key {escape(key_id)} revoked")


@app.command()
def audit(
    user: Annotated[str | None, typer.Option("--user", help="Only what this person did.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Only the last 7d, 12h, …")] = None,
    as_json: Json = False,
) -> None:
    """Who did what: the append-only audit log, oldest first."""
    start = datetime.now(UTC) - parse_duration(since) if since else None
    with GLOBALS.open_vault() as vault:
        rows = [e.to_json() for e in vault.people.audit_entries(user, start)]
    if as_json:
        print_json(rows)
        return
    table = Table(title="audit log")
    for column in ("at", "actor", "action", "target"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row["at"][:19],
            escape(row["actor"]),
            escape(row["action"]),
            escape(str(row["target"] or "")),
        )
    out.print(table)


@app.command()
def backup(file: Annotated[Path, typer.Argument(help="A new file for the copy.")]) -> None:
    """Copy the catalog while it is in use (SQLite; for PostgreSQL it says what to run)."""
    from ideovault.vault.backup import backup_catalog

    with GLOBALS.open_vault() as vault:
        size = backup_catalog(vault.context, file)
    say(f"catalog copied to {escape(str(file))} ({size} bytes)")
