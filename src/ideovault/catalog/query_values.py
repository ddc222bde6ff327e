"""The values a search filter takes (``tag:``, ``after:``, ``rating:``...), checked and normalised.

Kept apart from the grammar (``catalog/query.py``) so that a filter means the same thing
wherever it appears: at the top of a query, inside parentheses or as one side of ``OR``.
Every function raises ``ValueError`` whose text says what was expected; the parser turns it
into a :class:`~ideovault.catalog.query.QuerySyntaxError` at the value's position.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

MAX_SEED = 2_147_483_647
MAX_RATING = 5
SORT_KEYS = ("relevance", "created", "size", "seed")
IS_VALUES = ("starred", "trashed")
STATUSES = ("pending", "stored", "expired", "failed", "unsafe", "lost")
FILTER_KEYS = (
    "tag", "model", "style", "aspect", "seed", "after", "before", "safe", "is", "status",
    "parent", "op", "sort", "rating", "album", "by",
)  # fmt: skip
NEGATABLE = ("tag", "is", "model", "style", "status", "op", "album", "by")
# Filters that shape the whole result (its order, the trash, one parent) rather than pick rows:
# they are refused inside parentheses that are negated or joined by OR.
TOP_LEVEL_ONLY = ("sort", "parent")
OPERATIONS = (
    "generate", "remix", "edit", "upscale", "reframe", "replace-background", "upload", "import",
    "generate-transparent", "remove-background", "layerize-text", "instruct",
)  # fmt: skip
RATING_OPERATORS = (">=", "<=", ">", "<", "=")

_RELATIVE = re.compile(r"^(\d{1,5})([hdwy])$")
_ASPECT = re.compile(r"^(\d{1,2})[x:](\d{1,2})$")
_ID_PREFIX = re.compile(r"^[0-9a-fA-F-]{1,36}$")
_RATING = re.compile(r"^(>=|<=|!=|>|<|=)?(\d{1,2})$")

FilterValue = str | int | bool | datetime | tuple[str, int]


def parse_date(text: str, now: datetime, *, end_of_day: bool) -> datetime:
    m = _RELATIVE.match(text.lower())
    if m:
        amount, unit = int(m.group(1)), m.group(2)
        days = {"h": amount / 24, "d": amount, "w": amount * 7, "y": amount * 365}[unit]
        return now - timedelta(days=days)
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            start = datetime(day.year, day.month, day.day, tzinfo=UTC)
            return start + timedelta(days=1) if end_of_day else start
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            "a date like 2026-01-31, a time like 2026-01-31T12:00, or 7d/12h/2w/1y"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _bool(text: str) -> bool:
    lowered = text.lower()
    if lowered in ("true", "yes", "1"):
        return True
    if lowered in ("false", "no", "0"):
        return False
    raise ValueError("true or false")


def _rating(text: str) -> tuple[str, int]:
    m = _RATING.match(text)
    if not m or int(m.group(2)) > MAX_RATING:
        raise ValueError(f"a rating from 0 to {MAX_RATING}, optionally after >=, <=, >, < or !=")
    return (m.group(1) or "=", int(m.group(2)))


_OPPOSITE = {"=": "!=", "!=": "=", ">=": "<", "<": ">=", "<=": ">", ">": "<="}


def opposite_rating(value: tuple[str, int]) -> tuple[str, int]:
    """``-rating:5`` is ``rating:!=5``, ``-rating:>=4`` is ``rating:<4``: a negated rating is
    kept as the rating filter it equals, so it needs no NOT of its own."""
    operator, stars = value
    return (_OPPOSITE[operator], stars)


def _name(text: str) -> str:
    name = " ".join(text.split())
    if not name:
        raise ValueError("a name")
    return name


def normalise(key: str, value: str, now: datetime) -> FilterValue:
    """The checked value of ``key:value`` (``key`` is one of ``FILTER_KEYS``)."""
    if key == "tag":
        return "-".join(value.lower().split())
    if key in ("model", "style"):
        return value.upper()
    if key == "op":
        if value.lower() not in OPERATIONS:
            raise ValueError("one of " + ", ".join(OPERATIONS))
        return value.lower()
    if key == "aspect":
        m = _ASPECT.match(value.lower().removeprefix("aspect_").replace("_", "x"))
        if not m:
            raise ValueError("an aspect ratio like 16x9 or 16:9")
        return f"{int(m.group(1))}x{int(m.group(2))}"
    if key == "seed":
        if not value.isdigit() or int(value) > MAX_SEED:
            raise ValueError(f"a seed between 0 and {MAX_SEED}")
        return int(value)
    if key in ("after", "before"):
        return parse_date(value, now, end_of_day=key == "before")
    if key == "safe":
        return _bool(value)
    if key == "is":
        if value.lower() not in IS_VALUES:
            raise ValueError(" or ".join(IS_VALUES))
        return value.lower()
    if key == "status":
        if value.lower() not in STATUSES:
            raise ValueError("one of " + ", ".join(STATUSES))
        return value.lower()
    if key == "parent":
        if not _ID_PREFIX.match(value):
            raise ValueError("an image id or id prefix")
        return value.lower()
    if key == "sort":
        name = value.lower().lstrip("-+")
        if name not in SORT_KEYS:
            raise ValueError("sort:relevance, created, size or seed, with '-' for descending")
        return ("-" if value.startswith("-") else "") + name
    if key == "rating":
        return _rating(value)
    if key in ("album", "by"):
        return _name(value)
    raise ValueError("a known filter")  # unreachable: the parser only passes FILTER_KEYS


def value_text(key: str, value: FilterValue) -> str:
    """``value`` written back so that :func:`normalise` gives it again."""
    if isinstance(value, tuple):  # rating
        operator, number = value
        return f"{'' if operator == '=' else operator}{number}"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    if not text or any(c.isspace() or c in '()"' for c in text):
        return f'"{text}"'
    return text
