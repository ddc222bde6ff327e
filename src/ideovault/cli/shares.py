"""`ideovault share ID|QUERY --expires 7d`, `share list`, `share revoke ID`: read-only links
that anyone may open without signing in, until they expire or are revoked (``vault/shares.py``).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from typer.core import TyperGroup

from ideovault.cli.app import GLOBALS, app
from ideovault.cli.options import Json
from ideovault.cli.output import out, print_json, say
from ideovault.errors import UserError
from ideovault.units import parse_duration
from ideovault.vault import actors

DEFAULT_BASE = "http://127.0.0.1:8765"


class ShareCommands(TyperGroup):
    """``share ID`` means ``share create ID``: anything that is not a subcommand makes a link."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["create", *args]
        return list(super().parse_args(ctx, args))


share_app = typer.Typer(
    cls=ShareCommands,
    no_args_is_help=True,
    help="Read-only links to one image or a search, for anyone, until they expire.",
)
app.add_typer(share_app, name="share")


def _base(url: str) -> str:
    if not url.startswith(("http://", "https://")):
        raise UserError(f"--base-url must start with http:// or https://, not {url[:40]!r}")
    return url.rstrip("/")


@share_app.command("create")
def create(
    what: Annotated[list[str], typer.Argument(metavar="ID|QUERY", help="An image id or a query.")],
    expires: Annotated[str, typer.Option("--expires", help="Lifetime: 7d, 12h, 2w …")] = "7d",
    label: Annotated[str | None, typer.Option("--label", help="A title for the page.")] = None,
    search: Annotated[
        bool, typer.Option("--search", help="Share a search even if the text looks like an id.")
    ] = False,
    base_url: Annotated[
        str,
        typer.Option(
            "--base-url", envvar="IDEOVAULT_SHARE_BASE_URL", help="Where the gallery is served."
        ),
    ] = DEFAULT_BASE,
    as_json: Json = False,
) -> None:
    """Make a link to one image, or to a search evaluated when the link is opened."""
    from ideovault.vault.remote import RemoteVault

    lifetime = parse_duration(expires)
    with GLOBALS.open_vault() as vault:
        row, path = vault.shares.create(" ".join(what), lifetime, label, search=search)
        made = row.to_json(row.created_at)
        if isinstance(vault, RemoteVault) and base_url == DEFAULT_BASE:
            base_url = vault.base_url  # the server made the link: it opens there
    base = _base(base_url)
    url = base + path
    if as_json:
        print_json({"share": made, "url": url})
        return
    until = str(made["expires_at"])[:16].replace("T", " ")
    say(f"{made['kind']} link {made['id']}, until {until} UTC (shown once):")
    typer.echo(url)


@share_app.command("list")
def listing(as_json: Json = False) -> None:
    """Every link, live, expired or revoked (never their secrets)."""
    with GLOBALS.open_vault() as vault:
        rows = vault.shares.list()
    if as_json:
        print_json(rows)
        return
    table = Table(title="shared links")
    for column in ("id", "state", "kind", "target", "label", "by", "expires_at"):
        table.add_column(column)
    for r in rows:
        cells = (r["id"], r["state"], r["kind"], r["target"], r["label"] or "", r["created_by"],
                 r["expires_at"][:16])  # fmt: skip
        table.add_row(*(escape(str(c)) for c in cells))
    out.print(table)


@share_app.command("revoke")
def revoke(
    share_id: Annotated[str, typer.Argument(metavar="ID", help="The link's id (share list).")],
    as_json: Json = False,
) -> None:
    """End a link now: opening it answers 410 Gone."""

    with GLOBALS.open_vault() as vault:
        row = vault.shares.revoke(share_id, actors.ACTING.get())
        revoked = row.to_json(row.revoked_at or row.created_at)
    if as_json:
        print_json(revoked)
    else:
        say(f"link {revoked['id']} revoked")
