"""Ratings: 1-5 stars a person gives an image (0 clears). Set through ``catalog/bulk.py``
(one transaction for any number of images); the report counts them from its running totals."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ideovault.errors import UserError

if TYPE_CHECKING:
    pass

MAX_RATING = 5


def check_rating(value: int) -> int | None:
    """0 clears (None); 1-5 is a rating; anything else is a UserError saying so."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_RATING:
        raise UserError(f"a rating is a whole number from 0 to {MAX_RATING} (0 clears it)")
    return value or None
