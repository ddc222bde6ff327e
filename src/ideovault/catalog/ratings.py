"""Ratings: 1-5 stars a person gives an image (0 clears). Set through ``catalog/bulk.py``
(one transaction for any number of images); counted here for the report."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, select

from ideovault.catalog.curation_filters import MAX_RATING
from ideovault.catalog.schema import images
from ideovault.errors import UserError

if TYPE_CHECKING:
    from ideovault.catalog.store import Catalog


def check_rating(value: int) -> int | None:
    """0 clears (None); 1-5 is a rating; anything else is a UserError saying so."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_RATING:
        raise UserError(f"a rating is a whole number from 0 to {MAX_RATING} (0 clears it)")
    return value or None


def rating_counts(catalog: Catalog) -> dict[str, int]:
    """Images (not trashed) by rating: {"unrated": n, "1": n, ... "5": n}."""
    query = (
        select(images.c.rating, func.count())
        .where(images.c.trashed_at.is_(None))
        .group_by(images.c.rating)
    )
    with catalog.engine.connect() as conn:
        found = {row[0]: int(row[1]) for row in conn.execute(query)}
    counts = {"unrated": found.get(None, 0)}
    counts.update({str(n): found.get(n, 0) for n in range(1, MAX_RATING + 1)})
    return counts
