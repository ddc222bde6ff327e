"""Search: the parsed query language turned into one SQL query, fast at a million rows.

How it stays fast (see bench/search.py for the figures):

* Results are newest first unless ``sort:`` says otherwise. With text, SQLite walks the FTS5
  index in rowid order — which is insertion order, which is creation order — and stops after a
  page, so even a word found in a quarter of all rows costs well under a millisecond.
* ``sort:relevance`` ranks a bounded candidate set: the newest ``RELEVANCE_WINDOW`` matches are
  scored with bm25 (ts_rank on PostgreSQL) and the best come first. For words with fewer
  matches than that this is exact; for very common words it favours recent images — ranking a
  quarter of a million rows for every keystroke is what makes naive FTS slow.
* Filters use ordinary indexes; pages continue from a cursor (keyset), never an OFFSET scan,
  except within the bounded relevance window.
* User text is never spliced into SQL or into FTS syntax: words are reduced to their tokens
  and quoted, everything else is a bound parameter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    bindparam,
    column,
    exists,
    func,
    literal_column,
    not_,
    or_,
    select,
    table,
    text,
    tuple_,
)

from ideovault.catalog import (
    ranking,
    search_extensions,
    search_groups,
    search_plan,
)
from ideovault.catalog.query import Query, Term
from ideovault.catalog.ranking import CommonWordsPlan
from ideovault.catalog.schema import image_tags, images
from ideovault.catalog.search_groups import fts5_phrase, tokens
from ideovault.catalog.search_pages import SearchPage as SearchPage
from ideovault.catalog.search_pages import decode_cursor
from ideovault.errors import UserError

RELEVANCE_WINDOW = 2_000
MAX_LIMIT = 1_000


def fts5_expression(terms: Sequence[Term], groups: Sequence[str] = ()) -> str | None:
    """An FTS5 MATCH string where every user word is a quoted phrase of its tokens, ANDed
    with the text-only groups (already FTS5 text, from ``search_groups``)."""
    positive = [q for t in terms if not t.negated and (q := fts5_phrase(t))]
    positive += groups
    return " AND ".join(positive) if positive else None


def fts5_negative(terms: Sequence[Term], groups: Sequence[str] = ()) -> str | None:
    negative = [q for t in terms if t.negated and (q := fts5_phrase(replace(t, negated=False)))]
    negative += groups
    return " OR ".join(negative) if negative else None


def _filters(query: Query, parent_id: str | None) -> list[ColumnElement[bool]]:
    c = images.c
    where: list[ColumnElement[bool]] = []

    def has_tag(tag: str) -> ColumnElement[bool]:
        return exists().where(and_(image_tags.c.image_id == c.id, image_tags.c.tag == tag))

    where += [has_tag(t) for t in query.tags]
    where += [not_(has_tag(t)) for t in query.not_tags]
    if query.models:
        where.append(c.model.in_(query.models))
    if query.not_models:
        where.append(c.model.not_in(query.not_models))
    if query.styles:
        where.append(c.style_type.in_(query.styles))
    if query.not_styles:
        where.append(or_(c.style_type.is_(None), c.style_type.not_in(query.not_styles)))
    # Images from before operations were recorded (operation NULL) were all generated.
    operation = func.coalesce(c.operation, "generate")
    if query.ops:
        where.append(operation.in_(query.ops))
    if query.not_ops:
        where.append(operation.not_in(query.not_ops))
    if query.aspects:
        where.append(c.aspect_ratio.in_(query.aspects))
    if query.seeds:
        where.append(c.seed.in_(query.seeds))
    if query.after:
        where.append(c.created_at >= query.after)
    if query.before:
        where.append(c.created_at < query.before)
    if query.safe is not None:
        where.append(c.is_safe == query.safe)
    if query.starred is not None:
        where.append(c.starred == query.starred)
    where.append(c.trashed_at.is_not(None) if query.trashed else c.trashed_at.is_(None))
    if query.statuses:
        where.append(c.status.in_(query.statuses))
    if query.not_statuses:
        where.append(c.status.not_in(query.not_statuses))
    if parent_id:
        where.append(c.parent_id == parent_id)
    # rating:, album:, by: -- an extension point, see search_extensions
    where += [search_extensions.rating_condition(*r) for r in query.ratings]
    where += [search_extensions.album_condition(a) for a in query.albums]
    where += [not_(search_extensions.album_condition(a)) for a in query.not_albums]
    where += [search_extensions.creator_condition(b) for b in query.creators]
    where += [not_(search_extensions.creator_condition(b)) for b in query.not_creators]
    return where


def build(
    query: Query,
    dialect: str,
    *,
    limit: int,
    cursor: str | None,
    parent_id: str | None,
    conn: Connection | None = None,
) -> tuple[Any, str, str]:
    """The SELECT for one page; returns (statement, sort, key) where key names the order.

    With ``conn``, SQLite may first ask cheap questions to choose a plan (``search_plan``).
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise UserError(f"limit must be between 1 and {MAX_LIMIT}")
    sort = query.effective_sort
    descending = sort.startswith("-") or sort == "relevance"
    name = sort.lstrip("-")
    where = _filters(query, parent_id)
    after = decode_cursor(cursor, sort) if cursor else None
    sqlite = dialect == "sqlite"
    key: Any = literal_column("images.rowid") if sqlite else images.c.id
    source: Any = images

    rank: Any = None
    walk_index: str | None = None
    positive: str | None = None
    # Words that are all punctuation can match nothing; groups say so themselves.
    no_words = any(not t.negated for t in query.terms) and fts5_expression(query.terms) is None
    if sqlite:
        text_groups, not_groups, conditions = search_groups.split_sqlite(query.groups)
        where += conditions
        positive = fts5_expression(query.terms, text_groups)
        negative = fts5_negative(query.terms, not_groups)
        if negative and positive:
            # FTS5's own NOT: excluded words cost one doclist merge, not a list of every match.
            positive = f"({positive}) NOT ({negative})"
        elif negative:
            where.append(literal_column("images.rowid").not_in(_fts_rowids(negative, "neg")))
        if positive and name == "relevance":
            phrases = [q for t in query.terms if not t.negated and (q := fts5_phrase(t))]
            counts = []
            if conn is not None and len(phrases) >= 2 and not query.groups:
                counts = [search_plan.match_count(conn, p) for p in phrases]
            if sum(c >= search_plan.MANY_MATCHES for c in counts) >= 2:
                # bm25 would first scan each very common word's whole doclist: score here.
                plan = CommonWordsPlan(
                    where, positive, phrases, counts, limit, _offset(after), ranking.WINDOW
                )
                return plan, sort, "relevance"
            return _sqlite_relevance(where, positive, limit, after), sort, "relevance"
        if positive and name != "created":
            if conn is not None and search_plan.many_matches(conn, positive):
                # A common word: walk the sort column's index, probing FTS5 row by row.
                where.append(
                    exists(
                        _fts_rowids(positive, "fts").where(
                            literal_column("images_fts.rowid") == literal_column("images.rowid")
                        )
                    )
                )
                walk_index = f"ix_images_{'size' if name == 'size' else 'seed'}"
            else:
                # Few matches: collect them, then sort them.
                where.append(literal_column("images.rowid").in_(_fts_rowids(positive, "fts")))
        elif positive:
            # Drive the query from the FTS index, walking its rowids newest first, so a page
            # of a common word stops after finding enough rows instead of collecting them all.
            fts = table("images_fts", column("rowid"))
            key = fts.c.rowid
            source = fts.join(images, literal_column("images.rowid") == fts.c.rowid)
            where.append(literal_column("images_fts").op("MATCH")(bindparam("fts", positive)))
            bounds = None
            if conn is not None and query.before is not None:
                # Only a range that ends in the past keeps the walk from the newest match
                # away from its rows; an open one (`after:` alone) starts there anyway.
                bounds = search_plan.rowid_bounds(conn, query.after, query.before)
            if bounds is not None:  # a date range: walk only the rowids it can contain
                where.append(fts.c.rowid.between(*bounds))
    else:
        text_queries, conditions = search_groups.split_postgres(query.groups)
        where += conditions
        tsq = search_groups.tsquery_of(query.terms, text_queries)
        if tsq is not None:
            where.append(literal_column("images.search_vector").op("@@")(tsq))
            rank = func.ts_rank(literal_column("images.search_vector"), tsq)
        if rank is not None and name == "relevance":
            window = RELEVANCE_WINDOW
            words = sum(1 for t in query.terms if not t.negated and tokens(t))
            if (
                conn is not None
                and words >= 2
                and search_plan.pg_estimated_rows(conn, where) >= search_plan.MANY_MATCHES
            ):
                window = ranking.WINDOW  # as SQLite's CommonWordsPlan does
            return _pg_relevance(where, rank, limit, after, window), sort, "relevance"
    if no_words:
        where.append(literal_column("1") == 0)  # only punctuation: nothing can match
    if name == "relevance":
        name = "created"  # nothing to rank by (only negated words)

    if not sqlite and name == "created":
        # PostgreSQL pages by (created_at, id): its index walks a date range directly, where
        # walking the id index newest first passed every newer row (1.6 s for a week at 1M).
        name = "created_at"
    order_col = {
        "created": key, "created_at": images.c.created_at, "size": images.c.size_bytes,
        "seed": images.c.seed,
    }[name]  # fmt: skip
    stmt = select(images, key.label("_key")).select_from(source).where(*where)

    def beyond(column: Any, value: Any) -> Any:
        return column < value if descending else column > value

    if after is not None:
        last_value, last_key = after["v"], after["k"]
        if name == "created" or (name == "created_at" and last_value is None):
            stmt = stmt.where(beyond(key, last_key))
        elif name == "created_at":
            moment = _cursor_time(last_value)
            stmt = stmt.where(beyond(tuple_(order_col, key), tuple_(moment, last_key)))
        elif last_value is None:  # already in the tail of records without a value
            stmt = stmt.where(order_col.is_(None), beyond(key, last_key))
        else:
            stmt = stmt.where(
                or_(
                    beyond(order_col, last_value),
                    and_(order_col == last_value, beyond(key, last_key)),
                    order_col.is_(None),
                )
            )
    if name == "created":
        order = [key.desc() if descending else key.asc()]
    elif name == "created_at":  # never NULL
        order = [c.desc() if descending else c.asc() for c in (order_col, key)]
    else:  # records without a value (not yet stored) come last either way, on both databases
        direction = order_col.desc() if descending else order_col.asc()
        order = [direction.nulls_last(), key.desc() if descending else key.asc()]
    if sqlite and source is images:
        # Late row lookup: find the page's rowids through the indexes alone, then fetch just
        # those rows, instead of carrying whole rows through a sort of every candidate.
        page_keys = stmt.with_only_columns(key).order_by(*order).limit(limit + 1)
        if walk_index:
            page_keys = page_keys.with_hint(images, f"INDEXED BY {walk_index}", "sqlite")
        stmt = select(images, key.label("_key")).where(key.in_(page_keys.scalar_subquery()))
    return stmt.order_by(*order).limit(limit + 1), sort, name


def _cursor_time(value: Any) -> datetime:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        raise UserError("invalid cursor") from None


def _offset(after: dict[str, Any] | None) -> int:
    offset = int(after["o"]) if after else 0
    if not 0 <= offset <= RELEVANCE_WINDOW:
        raise UserError("invalid cursor")
    return offset


def _fts_rowids(expression: str, name: str) -> Any:
    return (
        select(literal_column("rowid"))
        .select_from(text("images_fts"))
        .where(text(f"images_fts MATCH :{name}").bindparams(**{name: expression}))
    )


def _sqlite_relevance(
    where: list[ColumnElement[bool]], positive: str, limit: int, after: dict[str, Any] | None
) -> Any:
    """bm25 over the newest RELEVANCE_WINDOW matches (an FTS-only scan), then filters."""
    window = (
        select(
            literal_column("rowid").label("hit"),
            literal_column("bm25(images_fts, 1.0, 0.6, 0.2, 0.8, 0.5)").label("score"),
        )
        .select_from(text("images_fts"))
        .where(text("images_fts MATCH :fts_rank").bindparams(fts_rank=positive))
        .order_by(literal_column("rowid").desc())
        .limit(RELEVANCE_WINDOW)
        .subquery("window")
    )
    key: Any = literal_column("images.rowid")
    return (
        select(images, key.label("_key"), window.c.score.label("_rank"))
        .select_from(window.join(images, key == window.c.hit))
        .where(*where)
        .order_by(window.c.score.asc(), key.desc())
        .offset(_offset(after))
        .limit(limit + 1)
    )


def _pg_relevance(
    where: list[ColumnElement[bool]],
    rank: Any,
    limit: int,
    after: dict[str, Any] | None,
    window_size: int,
) -> Any:
    """ts_rank over the newest ``window_size`` matches."""
    window = (
        select(images, images.c.id.label("_key"), rank.label("_rank"))
        .where(*where)
        .order_by(images.c.created_at.desc(), images.c.id.desc())
        .limit(window_size)
        .subquery()
    )
    return (
        select(window)
        .order_by(window.c._rank.desc(), window.c._key.desc())
        .offset(_offset(after))
        .limit(limit + 1)
    )


def fetch(conn: Connection, stmt: Any) -> list[Any]:
    """Run what :func:`build` returned: a statement, or a plan scored in Python."""
    if isinstance(stmt, CommonWordsPlan):
        return ranking.run(conn, stmt)
    return list(conn.execute(stmt).mappings())
