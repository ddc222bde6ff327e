"""The search filters of curation: ``rating:`` and ``album:`` (their grammar and their SQL).

    rating:4      exactly 4 stars        rating:0   not rated
    rating:>=4    4 or 5                 rating:<2  1 star or not rated (unrated counts as 0)
    album:"Client picks"                 -album:rejects

Kept apart from ``query.py`` and ``search.py``, which only hand the pairs over: the parser
validates a value with :func:`check`, the search adds :func:`where` to its conditions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the grammar is parsed without SQLAlchemy (CLI start-up stays light)
    from sqlalchemy import ColumnElement

KEYS = ("rating", "album")
MAX_RATING = 5
_RATING = re.compile(r"^(>=|<=|>|<|=)?([0-9])$")

# (key, value as checked, negated)
Filter = tuple[str, str, bool]


def check(key: str, value: str) -> str:
    """The value in canonical form, or ValueError saying what was expected."""
    if key == "rating":
        m = _RATING.match(value.replace(" ", ""))
        if not m or int(m.group(2)) > MAX_RATING:
            raise ValueError(f"a rating 0-{MAX_RATING}, optionally with >=, >, <= or <")
        op = m.group(1) or ""
        return ("" if op == "=" else op) + m.group(2)
    if key == "album":
        from ideovault.catalog.albums import check_name

        try:
            return check_name(value)
        except Exception as exc:  # UserError: its message is the expectation
            raise ValueError(str(exc)) from None
    raise ValueError(f"one of {', '.join(KEYS)}")


def _rating(value: str) -> ColumnElement[bool]:
    from sqlalchemy import func

    from ideovault.catalog.schema import images

    m = _RATING.match(value)
    assert m, value
    op, n = m.group(1) or "=", int(m.group(2))
    rating = func.coalesce(images.c.rating, 0)
    return {
        "=": rating == n,
        ">": rating > n,
        ">=": rating >= n,
        "<": rating < n,
        "<=": rating <= n,
    }[op]


def _album(name: str) -> ColumnElement[bool]:
    from sqlalchemy import and_, exists

    from ideovault.catalog.schema import album_images, albums, images

    return exists().where(
        and_(
            album_images.c.image_id == images.c.id,
            album_images.c.album_id == albums.c.id,
            albums.c.name == name,
        )
    )


def where(filters: Sequence[Filter]) -> list[ColumnElement[bool]]:
    """SQL conditions on ``images`` for the parsed curation filters (all must hold)."""
    from sqlalchemy import not_

    conditions: list[ColumnElement[bool]] = []
    for key, value, negated in filters:
        condition = _rating(value) if key == "rating" else _album(value)
        conditions.append(not_(condition) if negated else condition)
    return conditions


def to_text(filters: Sequence[Filter]) -> list[str]:
    """The filters written back in the search language."""
    parts = []
    for key, value, negated in filters:
        shown = f'"{value}"' if key == "album" else value
        parts.append(("-" if negated else "") + f"{key}:{shown}")
    return parts
