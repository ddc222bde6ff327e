"""The report's running totals, kept exact by triggers in the database itself.

``report_totals`` holds, per dimension (model, style, aspect, month, tag, status, and any added
later) and per value, the number of images and their bytes, split by ``(model, speed)`` so that
the report prices them with the *current* price table (``vault/prices.py`` and the overrides in
``ideovault.toml``) instead of freezing dollars that a price change would make wrong. A report
then reads a few hundred rows whatever the size of the vault.

Why triggers rather than calls in the Python writes: every path that changes ``images`` or
``image_tags`` — the catalog's own methods, imports, rebuilds, bulk loads, the writes other
modules add later — keeps the totals in the same transaction without having to remember to,
on SQLite and on PostgreSQL alike. The rules (both dialects get the same statements):

* an image counts in every dimension while it is live (not trashed), and always in ``status``
  (as ``trashed`` once trashed);
* inserting an image adds it; updating one of the counted columns subtracts the old row and
  adds the new; deleting subtracts it *before* the row goes, tags included, so that the cascade
  that then deletes its tags finds no image and changes nothing;
* adding or removing a tag of a live image adds or subtracts that one (tag, image).

Adding a dimension (as 0011 added ``rating`` and 0013 ``person``) is one :class:`Dimension` in
:data:`DIMENSIONS` plus a migration that calls :func:`install` with the new list: it recreates
the triggers and recounts. ``report --exact`` (``catalog.report.recount``) counts the rows
directly, with the same expressions, and must always agree.
"""

# ruff: noqa: S608  (the SQL here is assembled from this module's constants; no input reaches it)

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

TABLE = "report_totals"


@dataclass(frozen=True)
class Dimension:
    """One breakdown of the report: ``expr`` is the key for an image row, ``{r}`` being the
    row (``NEW``/``OLD`` in a trigger, ``images`` in a recount); ``''`` stands for "none"."""

    name: str
    sqlite: str
    postgresql: str
    live_only: bool = True
    columns: tuple[str, ...] = ()  # columns of images it reads beyond COUNTED (update trigger)

    def expr(self, dialect: str, row: str) -> str:
        return (self.postgresql if dialect == "postgresql" else self.sqlite).format(r=row)


def _same(
    name: str, expr: str, *, live_only: bool = True, columns: tuple[str, ...] = ()
) -> Dimension:
    return Dimension(name, expr, expr, live_only, columns)


DIMENSIONS: tuple[Dimension, ...] = (
    _same("model", "{r}.model"),
    _same("style", "coalesce({r}.style_type, '')"),
    _same("aspect", "coalesce({r}.aspect_ratio, '')"),
    # SQLite keeps 'YYYY-MM-DD hh:mm:ss' (UTC); PostgreSQL's month is taken in UTC too, so it
    # does not depend on the session's time zone.
    Dimension(
        "month",
        sqlite="substr({r}.created_at, 1, 7)",
        postgresql="to_char({r}.created_at AT TIME ZONE 'UTC', 'YYYY-MM')",
    ),
    _same(
        "status",
        "CASE WHEN {r}.trashed_at IS NOT NULL THEN 'trashed' ELSE {r}.status END",
        live_only=False,
    ),
    _same("rating", "coalesce(CAST({r}.rating AS VARCHAR(1)), '')", columns=("rating",)),  # 0011
    _same("person", "coalesce({r}.creator, '')", columns=("creator",)),  # 0013
)
TAG = "tag"  # the one dimension that comes from image_tags rather than from the image row

# The image columns the dimensions and the counts read; an UPDATE of any other column (tags
# text, star, phash, descriptions, ...) does not touch the totals.
COUNTED = ("model", "style_type", "aspect_ratio", "created_at", "status", "trashed_at",
           "rendering_speed", "size_bytes")  # fmt: skip

UPSERT = (  # after a WHERE: SQLite needs one before ON CONFLICT when the rows come from a SELECT
    f" ON CONFLICT (dimension, key, model, speed) DO UPDATE SET"
    f" images = {TABLE}.images + excluded.images, bytes = {TABLE}.bytes + excluded.bytes"
)


def _contribution(dialect: str, dims: Sequence[Dimension], row: str, sign: int) -> str:
    """One statement adding (sign 1) or subtracting (-1) image ``row`` in every dimension."""
    live = f"{row}.trashed_at IS NULL"
    parts = [
        f"SELECT '{d.name}' AS d, {d.expr(dialect, row)} AS k"
        + (f" WHERE {live}" if d.live_only else "")
        for d in dims
    ]
    parts.append(
        f"SELECT '{TAG}' AS d, tag AS k FROM image_tags WHERE image_id = {row}.id AND {live}"
    )
    return (
        f"INSERT INTO {TABLE} (dimension, key, model, speed, images, bytes)"
        f" SELECT c.d, c.k, {row}.model, coalesce({row}.rendering_speed, ''), {sign},"
        f" {sign} * coalesce({row}.size_bytes, 0) FROM ({' UNION ALL '.join(parts)}) AS c"
        " WHERE true" + UPSERT
    )


def _tag_contribution(row: str, sign: int) -> str:
    """One (tag, image) pair added or subtracted, if its image exists and is live."""
    return (
        f"INSERT INTO {TABLE} (dimension, key, model, speed, images, bytes)"
        f" SELECT '{TAG}', {row}.tag, i.model, coalesce(i.rendering_speed, ''), {sign},"
        f" {sign} * coalesce(i.size_bytes, 0) FROM images AS i"
        f" WHERE i.id = {row}.image_id AND i.trashed_at IS NULL" + UPSERT
    )


TRIGGERS = ("report_images_insert", "report_images_update", "report_images_delete",
            "report_tags_insert", "report_tags_delete")  # fmt: skip


def _counted(dims: Sequence[Dimension]) -> str:
    """The columns whose change moves a row between totals: the update trigger's column list."""
    return ", ".join(dict.fromkeys((*COUNTED, *(c for d in dims for c in d.columns))))


def _sqlite_ddl(dims: Sequence[Dimension]) -> list[str]:
    counted = _counted(dims)
    return [
        "CREATE TRIGGER report_images_insert AFTER INSERT ON images BEGIN "
        f"{_contribution('sqlite', dims, 'NEW', 1)}; END",
        f"CREATE TRIGGER report_images_update AFTER UPDATE OF {counted} ON images BEGIN "
        f"{_contribution('sqlite', dims, 'OLD', -1)}; "
        f"{_contribution('sqlite', dims, 'NEW', 1)}; END",
        "CREATE TRIGGER report_images_delete BEFORE DELETE ON images BEGIN "
        f"{_contribution('sqlite', dims, 'OLD', -1)}; END",
        "CREATE TRIGGER report_tags_insert AFTER INSERT ON image_tags BEGIN "
        f"{_tag_contribution('NEW', 1)}; END",
        "CREATE TRIGGER report_tags_delete AFTER DELETE ON image_tags BEGIN "
        f"{_tag_contribution('OLD', -1)}; END",
    ]


def _postgresql_ddl(dims: Sequence[Dimension]) -> list[str]:
    counted = _counted(dims)
    pg = "postgresql"
    return [
        "CREATE FUNCTION report_images_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP <> 'INSERT' THEN {_contribution(pg, dims, 'OLD', -1)}; END IF; "
        f"IF TG_OP <> 'DELETE' THEN {_contribution(pg, dims, 'NEW', 1)}; RETURN NEW; END IF; "
        "RETURN OLD; END $$",
        "CREATE FUNCTION report_tags_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP = 'INSERT' THEN {_tag_contribution('NEW', 1)}; "
        f"ELSE {_tag_contribution('OLD', -1)}; END IF; RETURN NULL; END $$",
        "CREATE TRIGGER report_images_insert AFTER INSERT ON images"
        " FOR EACH ROW EXECUTE FUNCTION report_images_change()",
        f"CREATE TRIGGER report_images_update AFTER UPDATE OF {counted} ON images"
        " FOR EACH ROW EXECUTE FUNCTION report_images_change()",
        "CREATE TRIGGER report_images_delete BEFORE DELETE ON images"
        " FOR EACH ROW EXECUTE FUNCTION report_images_change()",
        "CREATE TRIGGER report_tags_insert AFTER INSERT ON image_tags"
        " FOR EACH ROW EXECUTE FUNCTION report_tags_change()",
        "CREATE TRIGGER report_tags_delete AFTER DELETE ON image_tags"
        " FOR EACH ROW EXECUTE FUNCTION report_tags_change()",
    ]


def uninstall(conn: Connection) -> None:
    """Drop the triggers (and PostgreSQL's trigger functions); the table stays."""
    postgresql = conn.dialect.name == "postgresql"
    for name in TRIGGERS:
        table = "image_tags" if name.startswith("report_tags") else "images"
        on = f" ON {table}" if postgresql else ""
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}{on}")
    if postgresql:
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS report_images_change()")
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS report_tags_change()")


def install(conn: Connection, dims: Sequence[Dimension] = DIMENSIONS) -> None:
    """(Re)create the triggers for ``dims`` and recount the totals from the rows, in the
    caller's transaction. The one hook a migration adding a dimension calls."""
    uninstall(conn)
    dialect = conn.dialect.name
    for statement in _postgresql_ddl(dims) if dialect == "postgresql" else _sqlite_ddl(dims):
        conn.exec_driver_sql(statement)
    conn.exec_driver_sql(f"DELETE FROM {TABLE}")
    columns = "dimension, key, model, speed, images, bytes"
    conn.exec_driver_sql(f"INSERT INTO {TABLE} ({columns}) {recount_sql(dialect, dims)}")


def recount_sql(dialect: str, dims: Sequence[Dimension]) -> str:
    """Every total, counted from the rows with the same expressions as the triggers."""
    selects = []
    tags = "image_tags AS t JOIN images ON images.id = t.image_id"
    for d in (*dims, None):
        if d is None:
            name, key, source, where = TAG, "t.tag", tags, True
        else:
            name, key, source, where = d.name, d.expr(dialect, "images"), "images", d.live_only
        selects.append(
            f"SELECT '{name}', {key}, images.model, coalesce(images.rendering_speed, ''),"
            f" count(*), coalesce(sum(images.size_bytes), 0) FROM {source}"
            + (" WHERE images.trashed_at IS NULL" if where else "")
            + f" GROUP BY {key}, images.model, coalesce(images.rendering_speed, '')"
        )
    return " UNION ALL ".join(selects)


Row = tuple[str, str, str, str, int, int]  # dimension, key, model, speed, images, bytes


def row_of(r: Any) -> Row:
    """A totals row as plain Python values (drivers hand back their own number types)."""
    return (str(r[0]), str(r[1]), str(r[2]), str(r[3]), int(r[4]), int(r[5]))
