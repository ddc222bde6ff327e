"""The ``albums`` service (``vault.albums``): named, ordered sets of images that live in the
catalog only (a sidecar never names an album, so ``rebuild`` does not bring them back).

Every change is written to the audit log under the acting person's name; an album's images
are never touched by deleting it.
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING

from ideovault.vault import actors, people

if TYPE_CHECKING:
    from ideovault.catalog.albums import Album
    from ideovault.catalog.query import Query
    from ideovault.vault.context import VaultContext


class Albums:
    """Albums by name (or id): listing, making, renaming, deleting, covers."""

    def __init__(self, ctx: VaultContext) -> None:
        self._ctx = ctx

    def list(self) -> builtins.list[Album]:

        return self._ctx.catalog.albums.list()

    def get(self, name: str) -> Album:

        return self._ctx.catalog.albums.get(name)

    def by_id(self, album_id: str) -> Album:

        return self._ctx.catalog.albums.by_id(album_id)

    def create(self, name: str) -> Album:

        album = self._ctx.catalog.albums.create(name)
        self._audit("album.create", album.name)
        return album

    def rename(self, old: str, new: str) -> Album:

        album = self._ctx.catalog.albums.rename(old, new)
        self._audit("album.rename", old, {"to": new})
        return album

    def delete(self, name: str) -> int:
        """Delete an album (never its images); returns how many images it held."""

        held = self._ctx.catalog.albums.delete(name)
        self._audit("album.delete", name, {"held": held})
        return held

    def cover(self, name: str, image_id: str | None) -> Album:

        album = self._ctx.catalog.albums.set_cover(name, image_id)
        self._audit("album.cover", name, {"cover": album.cover_id})
        return album

    def of(self, image_id: str) -> builtins.list[str]:
        """The names of the albums an image is in."""

        catalog = self._ctx.catalog
        return catalog.albums.of(catalog.images.get(image_id).id)

    def _audit(self, action: str, target: str, detail: dict[str, object] | None = None) -> None:
        people.record(self._ctx, actors.acting_name(), action, target, detail)


def album_query(ctx: VaultContext, name: str) -> Query:
    """The search for an album's images (newest first, the trash hidden); UserError when
    there is no such album."""
    from dataclasses import replace

    from ideovault.catalog.albums import check_name
    from ideovault.catalog.query import Query

    album = ctx.catalog.albums.get(check_name(name))
    return replace(Query(), albums=(album.name,))
