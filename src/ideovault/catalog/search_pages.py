"""A search's pages: the records of one page and the opaque cursor of the next.

A cursor is the sort it belongs to and where the page ended (the last row's key and sort
value, or an offset for relevance), as unpadded URL-safe base64 JSON; a cursor of another sort
is refused rather than misread.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ideovault.catalog.records import ImageRecord
from ideovault.catalog.rows import image_from_row
from ideovault.errors import UserError


@dataclass(frozen=True)
class SearchPage:
    records: list[ImageRecord]
    next_cursor: str | None


def encode_cursor(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> dict[str, Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise UserError("invalid --after cursor: use the one a previous page printed") from None
    if not isinstance(data, dict) or data.get("s") != sort:
        raise UserError("this cursor belongs to a different query or sort order")
    return data


def page(
    rows: list[Any],
    sort: str,
    key_name: str,
    limit: int,
    offset: int = 0,
    tags: Mapping[str, tuple[str, ...]] | None = None,
) -> SearchPage:
    """Turn fetched rows (limit + 1 of them) into records (with ``tags``, by id) and the next
    page's cursor."""
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more and rows:
        last = rows[-1]
        if key_name == "relevance":
            next_cursor = encode_cursor({"s": sort, "o": offset + limit})
        else:
            value = {"size": "size_bytes", "seed": "seed", "created_at": "created_at"}
            v = last[value[key_name]] if key_name in value else None
            v = v.isoformat() if isinstance(v, datetime) else v
            next_cursor = encode_cursor({"s": sort, "k": last["_key"], "v": v})
    # Every row has the same columns: the planner's own (``_key``, ``_rank``) are dropped by
    # name once, not tested row by row — a page is built on every gallery and API request.
    names = [k for k in rows[0] if not k.startswith("_")] if rows else []
    tags = tags or {}
    records = [image_from_row({k: r[k] for k in names}, tags.get(r["id"], ())) for r in rows]
    return SearchPage(records=records, next_cursor=next_cursor)
