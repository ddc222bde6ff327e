"""One change applied to many images in ONE transaction: tag/untag, star, rate, album, trash.

The selection is resolved inside the same transaction as the change, so an unknown id changes
nothing. Write paths for aggregates kept in step with writes: every bulk change is here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import Connection, and_, bindparam, delete, insert, select, update

from ideovault.catalog import albums as album_store
from ideovault.catalog.ratings import check_rating
from ideovault.catalog.schema import album_images, albums, image_tags, images
from ideovault.catalog.selection import chunks, resolve_ids
from ideovault.errors import NotFound, UserError

Kind = Literal["tag", "star", "rate", "album", "unalbum", "trash", "restore"]
KINDS: tuple[str, ...] = ("tag", "star", "rate", "album", "unalbum", "trash", "restore")


@dataclass(frozen=True)
class Change:
    """What to do; only the fields of its kind matter (tags already normalised)."""

    kind: Kind
    add_tags: tuple[str, ...] = ()
    remove_tags: tuple[str, ...] = ()
    starred: bool = True
    rating: int = 0
    album: str = ""


def apply(conn: Connection, names: Sequence[str], change: Change) -> list[str]:
    """Apply ``change`` to every named image (ids or prefixes) in the caller's transaction
    (``catalog.images.apply`` opens it); returns the full ids."""
    ids = resolve_ids(conn, names)
    if change.kind == "tag":
        _tags(conn, ids, change.add_tags, change.remove_tags)
    elif change.kind in ("album", "unalbum"):
        _album(conn, ids, album_store.check_name(change.album), add=change.kind == "album")
    else:
        table: dict[str, dict[str, Any]] = {
            "star": {"starred": change.starred},
            "rate": {"rating": check_rating(change.rating)},
            "trash": {"trashed_at": datetime.now(UTC)},
            "restore": {"trashed_at": None},
        }
        values = table[change.kind]
        for chunk in chunks(ids):
            conn.execute(update(images).where(images.c.id.in_(chunk)).values(**values))
    return ids


def _tags(conn: Connection, ids: list[str], add: Sequence[str], remove: Sequence[str]) -> None:
    if not (add or remove):
        raise UserError("name tags to add or remove")
    for chunk in chunks(ids):
        if remove:
            conn.execute(
                delete(image_tags).where(
                    and_(image_tags.c.image_id.in_(chunk), image_tags.c.tag.in_(list(remove)))
                )
            )
        have: dict[str, set[str]] = defaultdict(set)
        for image_id, tag in conn.execute(
            select(image_tags.c.image_id, image_tags.c.tag).where(image_tags.c.image_id.in_(chunk))
        ):
            have[image_id].add(tag)
        new = [{"image_id": i, "tag": t} for i in chunk for t in add if t not in have[i]]
        if new:
            conn.execute(insert(image_tags), new)
        for row in new:
            have[row["image_id"]].add(row["tag"])
        # The denormalised copy full-text search indexes, in the same transaction.
        conn.execute(
            update(images)
            .where(images.c.id == bindparam("b_id"))
            .values(tags_text=bindparam("b_text")),
            [{"b_id": i, "b_text": " ".join(sorted(have[i]))} for i in chunk],
        )


def _album(conn: Connection, ids: list[str], name: str, *, add: bool) -> None:
    album_id = conn.execute(select(albums.c.id).where(albums.c.name == name)).scalar_one_or_none()
    if album_id is None:
        raise NotFound(f"no album named {name[:80]!r}; create it first")
    now = datetime.now(UTC)
    for chunk in chunks(ids):
        member = and_(album_images.c.album_id == album_id, album_images.c.image_id.in_(chunk))
        if not add:
            conn.execute(delete(album_images).where(member))
            continue
        present = set(conn.execute(select(album_images.c.image_id).where(member)).scalars())
        new = [{"album_id": album_id, "image_id": i, "added_at": now} for i in chunk]
        new = [row for row in new if row["image_id"] not in present]
        if new:
            conn.execute(insert(album_images), new)
