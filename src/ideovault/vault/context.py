"""The one value every service of the vault takes: what it works on, and for whom.

A service (``images``, ``generations``, ``batches``, ``upkeep``, ...) holds a context and
nothing of another service's; it never imports the facade (``core.Vault``). The context owns
the connections (catalog, blob store, API client) and closes them; the services own none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ideovault.blobs import BlobStore
from ideovault.catalog import Catalog
from ideovault.config import Settings
from ideovault.vault.actors import ACTING, Principal

if TYPE_CHECKING:  # the HTTP client loads only when a command sends something
    from ideovault.api.client import IdeogramClient


class VaultContext:
    """Settings, catalog, blob store, the Ideogram client (built on first use) and the actor."""

    def __init__(
        self,
        settings: Settings,
        catalog: Catalog,
        store: BlobStore,
        client: IdeogramClient | None = None,
    ) -> None:
        self.settings = settings
        self.catalog = catalog
        self.store = store
        self._client = client

    @property
    def client(self) -> IdeogramClient:
        """Built on first use, so read-only commands work without a key."""
        if self._client is None:
            from ideovault.api.client import IdeogramClient
            from ideovault.api.limits import shared_limiter
            from ideovault.vault.throttle import apply_limits

            s = self.settings
            self._client = IdeogramClient(
                s.api_key,
                s.base_url,
                timeout=s.request_timeout,
                max_retries=s.max_retries,
                backoff_base=s.retry_backoff,
                limiter=apply_limits(shared_limiter(s.base_url, s.api_key), s.extra),
            )
        return self._client

    def require_key(self) -> None:
        """Refuse before anything is written or spent when there is no way to call the API (no
        key, and no client handed in, as tests and the server's own client are)."""
        if self._client is None and not self.settings.api_key:
            from ideovault.api.errors import MissingKey

            raise MissingKey()

    @property
    def principal(self) -> Principal:
        """Who acts now: a server request's person (set per request), else the local owner."""
        return ACTING.get()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        self.catalog.close()
