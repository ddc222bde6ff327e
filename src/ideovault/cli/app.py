"""The Typer application and the options every command shares."""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer
import typer.main
from typer.core import TyperGroup

from ideovault.cli.commands import COMMANDS
from ideovault.cli.top_help import APP_HELP, command_rows
from ideovault.config import Settings, load_settings
from ideovault.errors import UserError

if TYPE_CHECKING:
    from ideovault.vault import Vault


class LazyCommands(TyperGroup):
    """The top-level group: a command's module is imported when that command runs, and
    ``--help`` lists the commands from ``cli/commands.py`` without importing any of them."""

    def list_commands(self, ctx: Any) -> list[str]:
        return [*COMMANDS, *(name for name in self.commands if name not in COMMANDS)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        entry = COMMANDS.get(cmd_name)
        if cmd_name not in self.commands and entry is not None:
            importlib.import_module(f"ideovault.cli.{entry.module}")  # registers on `app`
            built = typer.main.get_command(app)
            self.commands.update(getattr(built, "commands", {}))
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        with formatter.section("Commands"):
            formatter.write_dl(command_rows(formatter.width))


app = typer.Typer(
    cls=LazyCommands,
    name="ideovault",
    help=APP_HELP,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)


@dataclass
class Globals:
    home: Path | None = None
    database_url: str | None = None
    storage_url: str | None = None
    url: str | None = None
    key: str | None = None

    def settings(self) -> Settings:
        return load_settings(self.home, self.database_url, self.storage_url)

    def open_vault(self) -> Vault:
        """The local vault, or with --url / IDEOVAULT_URL the server's (``vault/remote/``)."""
        url = self.url or os.environ.get("IDEOVAULT_URL")
        if url:
            from ideovault.vault.remote import RemoteVault

            key = self.key or os.environ.get("IDEOVAULT_KEY")
            return cast("Vault", RemoteVault(url, key))
        if self.key:
            raise UserError("--key goes with --url (or IDEOVAULT_URL): the server to use it on")
        from ideovault.vault import Vault  # imported on use: `--help` stays instant

        return Vault.open(settings=self.settings())


GLOBALS = Globals()


@app.callback()
def _global_options(
    home: Annotated[
        Path | None,
        typer.Option(
            "--home", help="The vault's folder (default: $IDEOVAULT_HOME or the user data dir)."
        ),
    ] = None,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url", help="SQLAlchemy URL of the catalog ($IDEOVAULT_DATABASE_URL)."
        ),
    ] = None,
    storage_url: Annotated[
        str | None, typer.Option("--storage-url", help="Where blobs go ($IDEOVAULT_STORAGE_URL).")
    ] = None,
    url: Annotated[
        str | None,
        typer.Option(
            "--url", help="Use the vault of this `ideovault serve` server ($IDEOVAULT_URL)."
        ),
    ] = None,
    key: Annotated[
        str | None,
        typer.Option(
            "--key", help="Your personal key for --url ($IDEOVAULT_KEY; prefer the variable)."
        ),
    ] = None,
) -> None:
    GLOBALS.home = home
    GLOBALS.database_url = database_url
    GLOBALS.storage_url = storage_url
    GLOBALS.url = url
    GLOBALS.key = key
