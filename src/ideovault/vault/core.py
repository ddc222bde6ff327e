"""The vault: the one public face of ideovault, a context and the services over it.

CLI, web and MCP open a :class:`Vault` and call its services; each service takes the same
:class:`~ideovault.vault.context.VaultContext` (settings, catalog, blob store, API client, the
acting person) and nothing of the others. How one generation flows through them is in
docs/architecture.md.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from ideovault.blobs import open_store
from ideovault.catalog import Catalog
from ideovault.config import Settings, load_settings
from ideovault.vault.context import VaultContext

if TYPE_CHECKING:  # each service's module loads when the service is first used
    from ideovault.vault.albums import Albums
    from ideovault.vault.batches import Batches
    from ideovault.vault.generations import Generations
    from ideovault.vault.images import Images
    from ideovault.vault.people_service import People
    from ideovault.vault.selection import Selection
    from ideovault.vault.shares_service import Shares
    from ideovault.vault.upkeep import Upkeep


class Vault:
    """Everything ideovault does, grouped by what it acts on.

    ``images`` reads and marks the library, ``generations`` sends requests to Ideogram and keeps
    the answers, ``batches`` runs many of them, ``albums`` and ``selection`` curate,
    ``upkeep`` keeps the vault whole (trash, cleanup, verify, rebuild, import, export, storage,
    recover), ``people`` and ``shares`` govern a team's server. ``context`` is what they share.
    """

    def __init__(self, context: VaultContext) -> None:
        self.context = context

    # Built on first use, so a command pays only for the services it calls (``search`` does
    # not import the sending pipeline, nor ``generate`` the curation).

    @cached_property
    def images(self) -> Images:
        from ideovault.vault.images import Images

        return Images(self.context)

    @cached_property
    def generations(self) -> Generations:
        from ideovault.vault.generations import Generations

        return Generations(self.context)

    @cached_property
    def batches(self) -> Batches:
        from ideovault.vault.batches import Batches

        return Batches(self.context)

    @cached_property
    def albums(self) -> Albums:
        from ideovault.vault.albums import Albums

        return Albums(self.context)

    @cached_property
    def selection(self) -> Selection:
        from ideovault.vault.selection import Selection

        return Selection(self.context)

    @cached_property
    def upkeep(self) -> Upkeep:
        from ideovault.vault.upkeep import Upkeep

        return Upkeep(self.context)

    @cached_property
    def people(self) -> People:
        from ideovault.vault.people_service import People

        return People(self.context)

    @cached_property
    def shares(self) -> Shares:
        from ideovault.vault.shares_service import Shares

        return Shares(self.context)

    @classmethod
    def open(
        cls,
        home: str | Path | None = None,
        database_url: str | None = None,
        storage_url: str | None = None,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        settings: Settings | None = None,
    ) -> Vault:
        """Open (creating and migrating if needed) the vault that the settings point at."""
        if settings is None:
            settings = load_settings(home, database_url, storage_url, api_key, base_url)
        settings.home.mkdir(parents=True, exist_ok=True)
        catalog = Catalog.open(settings.database_url)
        try:
            store = open_store(settings.storage_url)
        except BaseException:
            catalog.close()
            raise
        return cls(VaultContext(settings, catalog, store))

    def close(self) -> None:
        self.context.close()

    def __enter__(self) -> Vault:
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
