"""The Typer application and the options every command shares."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

import typer

from ideovault.config import Settings, load_settings

if TYPE_CHECKING:
    from ideovault.vault import Vault

app = typer.Typer(
    name="ideovault",
    help="Keep every image you generate with the Ideogram API: download at once, store, catalog.",
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

    def settings(self) -> Settings:
        return load_settings(self.home, self.database_url, self.storage_url)

    def open_vault(self) -> Vault:
        """The local vault, or with IDEOVAULT_URL the server's (``vault/remote.py``)."""
        url = os.environ.get("IDEOVAULT_URL")
        if url:
            from ideovault.vault.remote import RemoteVault

            return cast("Vault", RemoteVault(url, os.environ.get("IDEOVAULT_KEY")))
        from ideovault.vault import Vault  # imported on use: `--help` stays instant

        return Vault.open(settings=self.settings())


GLOBALS = Globals()


@app.callback()
def _global_options(
    home: Path | None = typer.Option(
        None, "--home", help="The vault's folder (default: $IDEOVAULT_HOME or the user data dir)."
    ),
    database_url: str | None = typer.Option(
        None, "--database-url", help="SQLAlchemy URL of the catalog ($IDEOVAULT_DATABASE_URL)."
    ),
    storage_url: str | None = typer.Option(
        None, "--storage-url", help="Where blobs go ($IDEOVAULT_STORAGE_URL)."
    ),
) -> None:
    GLOBALS.home = home
    GLOBALS.database_url = database_url
    GLOBALS.storage_url = storage_url
