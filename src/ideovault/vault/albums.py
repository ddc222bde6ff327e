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
        from ideovault.catalog.albums import list_albums

        return list_albums(self._ctx.catalog)

    def get(self, name: str) -> Album:
        from ideovault.catalog.albums import get

        return get(self._ctx.catalog, name)

    def by_id(self, album_id: str) -> Album:
        from ideovault.catalog.albums import by_id

        return by_id(self._ctx.catalog, album_id)

    def create(self, name: str) -> Album:
        from ideovault.catalog.albums import create

        album = create(self._ctx.catalog, name)
        self._audit("album.create", album.name)
        return album

    def rename(self, old: str, new: str) -> Album:
        from ideovault.catalog.albums import rename

        album = rename(self._ctx.catalog, old, new)
        self._audit("album.rename", old, {"to": new})
        return album

    def delete(self, name: str) -> int:
        """Delete an album (never its images); returns how many images it held."""
        from ideovault.catalog.albums import delete_album

        held = delete_album(self._ctx.catalog, name)
        self._audit("album.delete", name, {"held": held})
        return held

    def cover(self, name: str, image_id: str | None) -> Album:
        from ideovault.catalog.albums import set_cover

        album = set_cover(self._ctx.catalog, name, image_id)
        self._audit("album.cover", name, {"cover": album.cover_id})
        return album

    def of(self, image_id: str) -> builtins.list[str]:
        """The names of the albums an image is in."""
        from ideovault.catalog.albums import albums_of

        catalog = self._ctx.catalog
        return albums_of(catalog, catalog.get_image(image_id).id)

    def _audit(self, action: str, target: str, detail: dict[str, object] | None = None) -> None:
        people.record(self._ctx, actors.acting_name(), action, target, detail)


def album_query(ctx: VaultContext, name: str) -> Query:
    """The search for an album's images (newest first, the trash hidden); UserError when
    there is no such album."""
    from dataclasses import replace

    from ideovault.catalog.albums import check_name, get
    from ideovault.catalog.query import Query

    album = get(ctx.catalog, check_name(name))
    return replace(Query(), albums=(album.name,))
