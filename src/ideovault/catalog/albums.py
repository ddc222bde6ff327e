"""Albums: named collections that reference images without moving or copying them.

An image may be in any number of albums. Deleting an album deletes only its memberships, never
an image; a trashed image stays a member but is hidden (from counts, covers and ``album:``
searches, which skip the trash like every search) until it is restored; purging an image drops
its memberships with it (foreign keys, ON DELETE CASCADE).

Reached as ``catalog.albums``. Write paths (each one transaction): ``create``, ``rename``,
``delete``, ``set_cover`` here; adding and removing images is a bulk change (``catalog/bulk.py``).
"""

from __future__ import annotations

import builtins
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ideovault import ids as id_maker
from ideovault.catalog.rows import utc
from ideovault.catalog.schema import album_images, albums, images
from ideovault.catalog.selection import resolve_ids
from ideovault.errors import NotFound, UserError

MAX_NAME = 200


@dataclass(frozen=True)
class Album:
    id: str
    name: str
    created_at: datetime
    count: int  # images in it, trashed ones not counted
    cover_id: str | None  # the chosen cover, else the newest image in it (None when empty)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "created_at": self.created_at.isoformat().replace("+00:00", "Z"),
            "count": self.count,
            "cover_id": self.cover_id,
        }


def check_name(raw: str) -> str:
    """An album name: any text a person would type (HTML and slashes are just characters),
    NFC-normalised and trimmed, 1-200 characters, no control characters."""
    name = unicodedata.normalize("NFC", raw).strip()
    if not name:
        raise UserError("an album name cannot be empty")
    if len(name) > MAX_NAME:
        raise UserError(f"an album name has at most {MAX_NAME} characters (this has {len(name)})")
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in name):
        raise UserError("an album name cannot contain control characters (tabs, newlines…)")
    if '"' in name:
        raise UserError('an album name cannot contain " (searches quote names: album:"My picks")')
    return name


def _album_id(conn: Connection, name: str) -> str:
    found = conn.execute(select(albums.c.id).where(albums.c.name == name)).scalar_one_or_none()
    if found is None:
        raise NotFound(f"no album named {name[:80]!r}; `ideovault album list` shows them")
    return str(found)


class AlbumRepository:
    """Albums and their memberships; built from the engine alone (cheap, holds no state)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(self, raw_name: str) -> Album:
        name = check_name(raw_name)
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(albums).values(
                        id=id_maker.new_id(), name=name, created_at=datetime.now(UTC)
                    )
                )
        except IntegrityError:
            raise UserError(f"an album named {name[:80]!r} exists already") from None
        return self.get(name)

    def get(self, raw_name: str) -> Album:
        name = check_name(raw_name)
        with self.engine.connect() as conn:
            _album_id(conn, name)
        return next(a for a in self.list(name=name))

    def by_id(self, album_id: str) -> Album:
        with self.engine.connect() as conn:
            name = conn.execute(select(albums.c.name).where(albums.c.id == album_id)).scalar()
        if name is None:
            raise NotFound(f"no album with id {album_id[:60]!r}")
        return next(a for a in self.list(name=str(name)))

    def list(self, *, name: str | None = None) -> builtins.list[Album]:
        """Every album (or the one named), by name, with its visible count and cover."""
        members = (
            select(
                album_images.c.album_id, func.count().label("n"), func.max(images.c.id).label("top")
            )
            .join(images, images.c.id == album_images.c.image_id)
            .where(images.c.trashed_at.is_(None))
            .group_by(album_images.c.album_id)
            .subquery()
        )
        cover = images.alias("cover")
        query = (
            select(albums, members.c.n, members.c.top, cover.c.trashed_at.label("cover_trashed"))
            .outerjoin(members, members.c.album_id == albums.c.id)
            .outerjoin(cover, cover.c.id == albums.c.cover_id)
            .order_by(albums.c.name)
        )
        if name is not None:
            query = query.where(albums.c.name == name)
        with self.engine.connect() as conn:
            rows = builtins.list(conn.execute(query).mappings())
        result = []
        for row in rows:
            chosen = row["cover_id"] if row["cover_id"] and row["cover_trashed"] is None else None
            created = utc(row["created_at"])
            assert created is not None
            result.append(
                Album(row["id"], row["name"], created, int(row["n"] or 0), chosen or row["top"])
            )
        return result

    def rename(self, old: str, new: str) -> Album:
        old_name, new_name = check_name(old), check_name(new)
        try:
            with self.engine.begin() as conn:
                album_id = _album_id(conn, old_name)
                conn.execute(update(albums).where(albums.c.id == album_id).values(name=new_name))
        except IntegrityError:
            raise UserError(f"an album named {new_name[:80]!r} exists already") from None
        return self.get(new_name)

    def delete(self, raw_name: str) -> int:
        """Delete the album and its memberships (never an image); returns how many it held."""
        name = check_name(raw_name)
        with self.engine.begin() as conn:
            album_id = _album_id(conn, name)
            held = conn.execute(
                delete(album_images).where(album_images.c.album_id == album_id)
            ).rowcount
            conn.execute(delete(albums).where(albums.c.id == album_id))
        return int(held)

    def set_cover(self, raw_name: str, image: str | None) -> Album:
        """Choose the album's cover (an image in it), or None for "the newest image in it"."""
        name = check_name(raw_name)
        with self.engine.begin() as conn:
            album_id = _album_id(conn, name)
            cover = None
            if image is not None:
                cover = resolve_ids(conn, [image])[0]
                member = conn.execute(
                    select(album_images.c.image_id).where(
                        album_images.c.album_id == album_id, album_images.c.image_id == cover
                    )
                ).first()
                if member is None:
                    raise UserError(f"image {cover} is not in album {name[:80]!r}; add it first")
            conn.execute(update(albums).where(albums.c.id == album_id).values(cover_id=cover))
        return self.get(name)

    def of(self, image_id: str) -> builtins.list[str]:
        """The names of the albums an image is in."""
        query = (
            select(albums.c.name)
            .join(album_images, album_images.c.album_id == albums.c.id)
            .where(album_images.c.image_id == image_id)
            .order_by(albums.c.name)
        )
        with self.engine.connect() as conn:
            return [str(n) for n in conn.execute(query).scalars()]
