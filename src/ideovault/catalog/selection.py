"""Many images named at once — by ids or by a query — resolved to full ids in a few queries.

Bulk actions (rate, album add, the REST bulk routes) work on thousands of images; looking each
id up alone would cost a query per image. Full ids are checked with one ``IN`` per chunk;
only short prefixes go through the one-at-a-time prefix lookup (which must say "ambiguous").
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, select

from ideovault.catalog.rows import resolve_id
from ideovault.catalog.schema import images
from ideovault.errors import NotFound, UserError
from ideovault.ids import normalize_prefix

CHUNK = 500  # ids per IN (), under every driver's bound-parameter limit
FULL_ID = 36


def resolve_ids(conn: Connection, names: Sequence[str]) -> list[str]:
    """Full ids, in the order given and without repeats; NotFound names the first unknown."""
    if not names:
        raise UserError("name at least one image id")
    wanted: list[str] = []
    short: list[tuple[int, str]] = []
    for position, name in enumerate(names):
        prefix = normalize_prefix(name)
        if prefix is None:
            raise NotFound(f"no image with id {name[:60]!r} (ids are hexadecimal, like 0193a5c2)")
        if len(prefix) == FULL_ID:
            wanted.append(prefix)
        else:
            short.append((position, name))
            wanted.append("")
    full = {w for w in wanted if w}
    found: set[str] = set()
    ordered = sorted(full)
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        found.update(conn.execute(select(images.c.id).where(images.c.id.in_(chunk))).scalars())
    missing = [w for w in wanted if w and w not in found]
    if missing:
        extra = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        raise NotFound(f"no image with id {missing[0]!r}{extra}")
    for position, name in short:
        wanted[position] = resolve_id(conn, images, name, "image")
    return list(dict.fromkeys(wanted))


def chunks(ids: Sequence[str]) -> list[Sequence[str]]:
    return [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]
