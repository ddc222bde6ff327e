"""A vault on a server: the CLI's commands over the REST API of ``ideovault serve``.

With ``IDEOVAULT_URL`` (and ``IDEOVAULT_KEY``, a personal key; or ``--url``/``--key``) the CLI
opens this instead of a local vault, so a team member needs neither the Ideogram key nor the
database or bucket credentials: the server holds them and checks the key's role on every
request. It offers the local :class:`~ideovault.vault.core.Vault`'s namespaces with the same
method names and signatures, and answers the same record types, so the commands print the same
JSON; ``local_path`` is always null (the server's files are not the client's). The parts, each
a namespace on one shared :class:`~ideovault.vault.remote.http.Connection`:

* ``http.py`` — the connection, the server's answers back into the vault's errors, and the
  refusal of what needs the local vault;
* ``images.py`` — records, pages, marks, look-alikes, the report, URLs, lineage, originals;
* ``generations.py`` — generate and every image operation, describe, magic-prompt, reproduce;
* ``batches.py`` — batch files, run and followed on the server;
* ``albums.py``, ``selection.py`` — albums, bulk changes and zips;
* ``shares.py`` — shared read-only links, made by the server;
* ``upkeep.py`` — the trash and ``export`` (the rest of upkeep is the operator's).

The operator's commands (purge, cleanup, verify, rebuild, import, storage, backup, users and
keys, dupes, backfill, worker, recover) run on the server's machine: through a server they say
so and exit 2 instead of touching a local vault by mistake.
"""

from __future__ import annotations

from types import TracebackType
from typing import NoReturn

from ideovault.vault.remote.albums import RemoteAlbums
from ideovault.vault.remote.batches import RemoteBatches
from ideovault.vault.remote.generations import RemoteGenerations, RemoteRequest
from ideovault.vault.remote.http import Connection, Namespace, refusal
from ideovault.vault.remote.images import RemoteImages
from ideovault.vault.remote.selection import RemoteSelection
from ideovault.vault.remote.shares import RemoteShares
from ideovault.vault.remote.upkeep import RemoteUpkeep

__all__ = ["RemoteRequest", "RemoteVault"]


class _People(Namespace):
    """Users, roles, keys, sessions and budgets: the server's own business, all of it."""

    _name = "people"


class RemoteVault:
    """The vault's use cases that make sense for a member of a team, through its server."""

    def __init__(self, url: str, key: str | None, *, timeout: float = 300) -> None:
        self._conn = Connection(url, key, timeout=timeout)
        self.base_url = self._conn.base_url  # the server's address: shared links open there
        self.images = RemoteImages(self._conn)
        self.generations = RemoteGenerations(self._conn)
        self.batches = RemoteBatches(self._conn)
        self.albums = RemoteAlbums(self._conn)
        self.selection = RemoteSelection(self._conn)
        self.shares = RemoteShares(self._conn)
        self.upkeep = RemoteUpkeep(self._conn)
        self.people = _People(self._conn)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> RemoteVault:
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __getattr__(self, name: str) -> NoReturn:
        if name.startswith("__"):  # copy, pickle and friends probe for these: not a command
            raise AttributeError(name)
        raise refusal(name)  # `context` (settings, catalog, store): the local vault's alone
