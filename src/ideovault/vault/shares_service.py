"""``vault.shares``: links that show one image or a search to anyone holding them.

The rules are :mod:`ideovault.vault.shares` (what a link shows, who may end it); this is the
public face the CLI and the web call, one method per public function there.
"""

from __future__ import annotations

import builtins
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from ideovault.vault import shares

if TYPE_CHECKING:
    from ideovault.catalog.records import ImageRecord
    from ideovault.catalog.shares import Share, ShareStore
    from ideovault.vault.actors import Principal
    from ideovault.vault.context import VaultContext


class Shares:
    """Make, find, show and end shared links."""

    NotYours = shares.NotYours  # raised by revoke: the link is another person's

    def __init__(self, ctx: VaultContext) -> None:
        self._ctx = ctx

    def store(self) -> ShareStore:
        """The rows themselves (only digests of the secrets): for tests and listings."""
        return shares.store(self._ctx)

    @staticmethod
    def lifetime(text: str) -> timedelta:
        """A link's lifetime from text such as ``7d`` (UserError when not one)."""
        return shares.lifetime(text)

    @staticmethod
    def is_live(share: Share) -> bool:
        return shares.is_live(share)

    def create(
        self, what: str, expires: timedelta, label: str | None = None, *, search: bool = False
    ) -> tuple[Share, str]:
        """A new link to an image or a search: its row and its path (shown once)."""
        return shares.create(self._ctx, what, expires, label, search=search)

    def find(self, token: str) -> Share | None:
        return shares.find(self._ctx, token)

    def images(self, share: Share) -> builtins.list[ImageRecord]:
        """What a live link shows now."""
        return shares.images(self._ctx, share)

    def shown(self, share: Share, image_id: str) -> ImageRecord | None:
        return shares.shown(self._ctx, share, image_id)

    def revoke(self, share_id: str, actor: Principal) -> Share:
        return shares.revoke(self._ctx, share_id, actor)

    def list(self) -> builtins.list[dict[str, Any]]:
        """Every link, live, expired or revoked (never their secrets)."""
        return shares.listing(self._ctx)
