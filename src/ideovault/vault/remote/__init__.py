"""A vault on a server: the CLI's commands over the REST API of ``ideovault serve``.

With ``IDEOVAULT_URL`` (and ``IDEOVAULT_KEY``, a personal key; or ``--url``/``--key``) the CLI
opens this instead of a local vault, so a team member needs neither the Ideogram key nor the
database or bucket credentials: the server holds them and checks the key's role on every
request. It answers the same record types as :class:`~ideovault.vault.core.Vault`, so the
commands print the same JSON; ``local_path`` is always null (the server's files are not the
client's). The parts:

* ``http.py`` — the connection, and the server's answers back into the vault's errors;
* ``reading.py`` — records, search, list, similar, report, url, lineage, originals, zips, export;
* ``marking.py`` — tags, stars, ratings, trash, albums;
* ``sending.py`` — generate and every image operation, describe, magic-prompt, reproduce;
* ``batches.py`` — batch files, run and followed on the server;
* ``sharing.py`` — shared read-only links, made by the server.

The operator's commands (purge, cleanup, verify, rebuild, import, storage, backup, users and
keys, dupes, backfill, worker, recover) run on the server's machine: through a server they say
so and exit 2 instead of touching a local vault by mistake.
"""

from __future__ import annotations

from types import TracebackType
from typing import NoReturn

from ideovault.errors import UserError
from ideovault.vault.remote.batches import RemoteBatches
from ideovault.vault.remote.marking import RemoteMarking
from ideovault.vault.remote.reading import RemoteReading
from ideovault.vault.remote.sending import RemoteRequest, RemoteSending
from ideovault.vault.remote.sharing import RemoteSharing

__all__ = ["RemoteRequest", "RemoteVault"]


class RemoteVault(RemoteReading, RemoteMarking, RemoteSending, RemoteBatches, RemoteSharing):
    """The vault's use cases that make sense for a member of a team, through its server."""

    def __enter__(self) -> RemoteVault:
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __getattr__(self, name: str) -> NoReturn:
        if name.startswith("__"):  # copy, pickle and friends probe for these: not a command
            raise AttributeError(name)
        raise UserError(
            f"this command does not work against a server (it needs the local vault's {name}): "
            "run it on the server's machine, or unset IDEOVAULT_URL (and --url) to use a local "
            "vault"
        )
