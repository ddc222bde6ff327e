"""Search terms and groups (``OR``, parentheses, ``word*``) as FTS5 text, tsquery, or SQL.

A group made only of words and phrases joins the query's one full-text expression — FTS5's
own ``OR`` and parentheses on SQLite, ``||``/``&&``/``!!`` tsquery operators on PostgreSQL — so
``fox (whale OR cafe*)`` keeps the fast newest-first walk of ``catalog/search.py``. A group
that mixes text with filters (``fox OR tag:poster``) becomes an ordinary SQL condition: each
term a look-up in the full-text index, each filter its column test. Every condition here is
TRUE or FALSE, never NULL, so a negated group means exactly "not that".

User text never reaches FTS5 or tsquery syntax: every term is reduced to its word tokens, each
quoted, and bound as a parameter.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    bindparam,
    column,
    exists,
    false,
    func,
    literal_column,
    not_,
    or_,
    select,
    table,
)
from sqlalchemy.sql.functions import Function

from ideovault.catalog import search_extensions
from ideovault.catalog.query import Filter, Group, Node, Term
from ideovault.catalog.schema import image_tags, images

_TOKEN = re.compile(r"\w+", re.UNICODE)
EXTENSION_KEYS = ("rating", "album", "by")


def tokens(term: Term) -> list[str]:
    return _TOKEN.findall(term.text)


def fts5_phrase(term: Term) -> str | None:
    """A term as an FTS5 phrase of its quoted tokens (``"fox" *`` for a prefix)."""
    words = tokens(term)
    if not words:
        return None
    return '"' + " ".join(words) + '"' + (" *" if term.prefix else "")


def _pure_text(node: Node, *, negation: bool) -> bool:
    """Words and phrases only (each with tokens); ``negation`` allows negated parts."""
    if isinstance(node, Term):
        return bool(tokens(node)) and (negation or not node.negated)
    if isinstance(node, Group):
        inner = all(_pure_text(n, negation=negation) for n in node.items)
        return inner and (negation or not node.negated)
    return False


def fts5_group(node: Node) -> str:
    """The FTS5 text of a positive, text-only node (``_pure_text`` without negation)."""
    if isinstance(node, Term):
        phrase = fts5_phrase(node)
        assert phrase is not None
        return phrase
    assert isinstance(node, Group)
    return "(" + (" OR " if node.any_of else " AND ").join(map(fts5_group, node.items)) + ")"


def split_sqlite(groups: Sequence[Group]) -> tuple[list[str], list[str], list[ColumnElement[bool]]]:
    """(positive FTS5 parts, negative FTS5 parts, other SQL conditions) for a query's groups."""
    positive: list[str] = []
    negative: list[str] = []
    conditions: list[ColumnElement[bool]] = []
    for group in groups:
        plain = replace(group, negated=False)
        if _pure_text(plain, negation=False):
            (negative if group.negated else positive).append(fts5_group(plain))
        else:
            conditions.append(condition(group, "sqlite"))
    return positive, negative, conditions


def split_postgres(groups: Sequence[Group]) -> tuple[list[Any], list[ColumnElement[bool]]]:
    """(tsqueries to AND into the query's one tsquery, other SQL conditions)."""
    queries: list[Any] = []
    conditions: list[ColumnElement[bool]] = []
    for group in groups:
        if _pure_text(group, negation=True):
            queries.append(tsquery(group))
        else:
            conditions.append(condition(group, "postgresql"))
    return queries, conditions


def term_tsquery(term: Term) -> Any:
    """A term's tokens as a phrase tsquery; a prefix ends in ``:*`` (the tokens are ``\\w+``,
    so quoting each one in single quotes is exact)."""
    from sqlalchemy.dialects.postgresql.ext import phraseto_tsquery, to_tsquery

    words = tokens(term)
    if term.prefix:
        text = " <-> ".join(f"'{w}'" for w in words) + ":*"
        return to_tsquery("simple", bindparam(None, text))  # type: ignore[no-untyped-call]
    return phraseto_tsquery("simple", bindparam(None, " ".join(words)))  # type: ignore[no-untyped-call]


def tsquery_of(terms: Sequence[Term], groups: Sequence[Any]) -> Any:
    """Each term a phrase tsquery of its tokens (bound parameters), joined with AND/NOT, and
    ANDed with the text-only groups' tsqueries."""
    expr: Any = None
    for term in terms:
        if not tokens(term):
            continue
        q: Any = term_tsquery(term)
        if term.negated:
            q = Function("tsquery_not", q)
        expr = q if expr is None else Function("tsquery_and", expr, q)
    for q in groups:
        expr = q if expr is None else Function("tsquery_and", expr, q)
    return expr


def tsquery(node: Node) -> Any:
    """The tsquery of a text-only node (``_pure_text`` with negation)."""
    if isinstance(node, Term):
        query = term_tsquery(node)
    else:
        assert isinstance(node, Group)
        parts = [tsquery(n) for n in node.items]
        query = parts[0]
        for part in parts[1:]:
            query = Function("tsquery_or" if node.any_of else "tsquery_and", query, part)
    return Function("tsquery_not", query) if node.negated else query


def _matches(node: Node, dialect: str) -> ColumnElement[bool]:
    """Rows whose text matches a positive text-only node, through the full-text index."""
    if dialect == "sqlite":
        fts = table("images_fts", column("rowid"))
        hits = select(fts.c.rowid).where(
            literal_column("images_fts").op("MATCH")(bindparam(None, fts5_group(node)))
        )
        return literal_column("images.rowid").in_(hits)
    matched: ColumnElement[bool] = literal_column("images.search_vector").op("@@")(tsquery(node))
    return matched


def condition(node: Node, dialect: str) -> ColumnElement[bool]:
    """Any node as a SQL condition that is TRUE or FALSE for every row."""
    positive = replace(node, negated=False)
    result: ColumnElement[bool]
    if isinstance(positive, Term) and not tokens(positive):
        result = false()  # only punctuation: matches nothing
    elif _pure_text(positive, negation=False):
        result = _matches(positive, dialect)
    elif isinstance(positive, Filter):
        result = filter_condition(positive)
    else:
        assert isinstance(positive, Group)
        parts = [condition(n, dialect) for n in positive.items]
        result = or_(*parts) if positive.any_of else and_(*parts)
    return not_(result) if node.negated else result


def filter_condition(f: Filter) -> ColumnElement[bool]:
    """One filter inside a group (the flat ones are in ``search._filters``, shaped for the
    indexes); nullable columns are tested for NULL first so the result is never NULL."""
    c = images.c
    key, value = f.key, f.value
    if key in EXTENSION_KEYS:
        return search_extensions.condition(key, value)
    if key == "tag":
        return exists().where(and_(image_tags.c.image_id == c.id, image_tags.c.tag == value))
    if key == "is":
        return c.starred.is_(True) if value == "starred" else c.trashed_at.is_not(None)
    if key == "op":
        return func.coalesce(c.operation, "generate") == value
    if key == "after":
        return c.created_at >= value
    if key == "before":
        return c.created_at < value
    target: Any = {
        "model": c.model, "style": c.style_type, "aspect": c.aspect_ratio, "seed": c.seed,
        "safe": c.is_safe, "status": c.status,
    }[key]  # fmt: skip
    return and_(target.is_not(None), target == value)
