"""Extension point: the search filters whose data other parts of ideovault add.

``rating:>=4`` / ``rating:3`` / ``rating:<2``, ``album:NAME`` and ``by:NAME`` are parsed by
``catalog/query.py``; their SQL lives here, one small function each, written against the data
they need: ``images.rating`` (0-5, 0 or NULL = unrated; migration 0011), the tables
``albums(id, name)`` + ``album_images(album_id, image_id)`` (0011), and ``images.creator``,
who made each image (0013). A catalog without them says so
(exit 2) instead of silently matching nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Table, and_, exists, func

from ideovault.catalog.query_values import FilterValue
from ideovault.catalog.schema import images
from ideovault.errors import UserError


class FilterNotAvailable(UserError):
    """A filter this vault's catalog has no data for (yet)."""

    def __init__(self, key: str, what: str) -> None:
        super().__init__(f"search: '{key}:' is not available in this vault ({what})")


def condition(key: str, value: FilterValue) -> ColumnElement[bool]:
    """The row condition for one extension filter (never NULL, so NOT of it is exact)."""
    if key == "rating":
        assert isinstance(value, tuple)
        return rating_condition(*value)
    assert isinstance(value, str)
    if key == "album":
        return album_condition(value)
    if key == "by":
        return creator_condition(value)
    raise AssertionError(f"not an extension filter: {key}")


def _table(name: str) -> Table | None:
    return images.metadata.tables.get(name)


def rating_condition(operator: str, stars: int) -> ColumnElement[bool]:
    column: Any = images.c.get("rating")
    if column is None:
        raise FilterNotAvailable("rating", "images have no ratings yet")
    rating = func.coalesce(column, 0)  # unrated counts as 0, as `rate ID 0` clears
    compare: dict[str, ColumnElement[bool]] = {
        "=": rating == stars, "!=": rating != stars, ">=": rating >= stars,
        "<=": rating <= stars, ">": rating > stars, "<": rating < stars,
    }  # fmt: skip
    return compare[operator]


def album_condition(name: str) -> ColumnElement[bool]:
    albums, members = _table("albums"), _table("album_images")
    if albums is None or members is None:
        raise FilterNotAvailable("album", "there are no albums yet")
    return exists().where(
        and_(
            members.c.image_id == images.c.id,
            members.c.album_id == albums.c.id,
            albums.c.name == name,
        )
    )


def creator_condition(name: str) -> ColumnElement[bool]:
    """What a person made (generated, uploaded, imported): each image keeps its creator's name
    (``images.creator``, migration 0013, filled from the audit log's ``generate`` entries for
    older images), also after the person is disabled — the same column the report's
    ``by_creator`` counts, so the two agree."""
    column: Any = images.c.get("creator")
    if column is None:
        raise FilterNotAvailable("by", "it records no people yet")
    # people's names are lower case (vault/people.py), so by:Ed finds ed
    return func.coalesce(column, "") == name.lower()
