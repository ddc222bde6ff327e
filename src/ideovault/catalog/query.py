"""The search language, one grammar for the CLI, the Python API and the web (docs/architecture.md).

    red fox "neon sign" tag:poster -tag:draft model:V_3 style:DESIGN aspect:16x9 seed:1234
    after:2026-01-01 before:7d safe:true is:starred -is:trashed status:pending parent:0193a5
    sort:-created

Free words and quoted phrases are full-text terms (a leading ``-`` excludes them, a trailing
``*`` makes a word a prefix); ``key:value`` pairs are exact filters; ``OR`` (in capitals) and
parentheses combine any of them: ``(whale OR portrait*) -(tag:draft OR model:V_1)``.
Parsing is pure (no database), so it is cheap to fuzz: any string
either parses or raises :class:`QuerySyntaxError` naming the position and what was expected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import NoReturn

from ideovault.catalog.query_values import (
    FILTER_KEYS,
    IS_VALUES,
    NEGATABLE,
    TOP_LEVEL_ONLY,
    FilterValue,
    normalise,
    opposite_rating,
    value_text,
)
from ideovault.errors import UserError

MAX_QUERY_CHARS = 2_000
MAX_DEPTH = 32  # nested parentheses; deeper would only exhaust the recursion of the parser

_WORD_CHARS = re.compile(r'[^\s"()]+')
_KEY = re.compile(r"([a-z]+):", re.IGNORECASE)
_WORDLIKE = re.compile(r"\w")
_FIELDS = {
    "tag": "tags", "model": "models", "style": "styles", "op": "ops", "aspect": "aspects",
    "seed": "seeds", "status": "statuses", "rating": "ratings", "album": "albums",
    "by": "creators",
}  # fmt: skip
_ANY_TERM = "a word, phrase, filter or (group)"


class QuerySyntaxError(UserError):
    """A query that does not parse; ``position`` is 0-based into the query text."""

    def __init__(self, query: str, position: int, expected: str) -> None:
        self.position = position
        self.expected = expected
        pointer = query[max(0, position - 20) : position + 20]
        super().__init__(
            f"search query: at position {position + 1}: expected {expected} (near {pointer!r})"
        )


@dataclass(frozen=True)
class Term:
    """A free word or ``"quoted phrase"``; ``prefix`` (``word*``) matches any word it begins."""

    text: str
    phrase: bool = False
    negated: bool = False
    prefix: bool = False


@dataclass(frozen=True)
class Filter:
    """``key:value`` inside a group; ``value`` is already checked (``query_values.normalise``)."""

    key: str
    value: FilterValue
    negated: bool = False
    position: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Group:
    """Parts joined by OR (``any_of``) or, when negated, by AND: ``-(a b)``, ``(a OR b)``.

    A plain parenthesised AND at the top of a query is no group: its parts join the query.
    """

    items: tuple[Node, ...]
    any_of: bool = False
    negated: bool = False


Node = Term | Filter | Group


@dataclass(frozen=True)
class Query:
    """A parsed query. Empty tuples and None mean "no constraint".

    Everything outside OR and negated parentheses lands in the flat fields, which the search
    plans in ``catalog/search.py`` are fast for; ``groups`` hold the rest, each one more
    condition every result meets.
    """

    terms: tuple[Term, ...] = ()
    tags: tuple[str, ...] = ()
    not_tags: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    not_models: tuple[str, ...] = ()
    styles: tuple[str, ...] = ()
    not_styles: tuple[str, ...] = ()
    ops: tuple[str, ...] = ()
    not_ops: tuple[str, ...] = ()
    aspects: tuple[str, ...] = ()
    seeds: tuple[int, ...] = ()
    after: datetime | None = None
    before: datetime | None = None
    safe: bool | None = None
    starred: bool | None = None
    trashed: bool | None = None
    statuses: tuple[str, ...] = ()
    not_statuses: tuple[str, ...] = ()
    parent: str | None = None
    sort: str | None = None  # e.g. "-created"; None = relevance with text, else newest first
    ratings: tuple[tuple[str, int], ...] = ()  # (operator, stars): rating:>=4 -> (">=", 4)
    albums: tuple[str, ...] = ()
    not_albums: tuple[str, ...] = ()
    creators: tuple[str, ...] = ()  # by:NAME
    not_creators: tuple[str, ...] = ()
    groups: tuple[Group, ...] = ()
    raw_filters: tuple[str, ...] = field(default=(), compare=False)

    @property
    def has_text(self) -> bool:
        return any(not t.negated for t in self.terms) or any(map(_positive_text, self.groups))

    @property
    def effective_sort(self) -> str:
        """Newest first unless asked: ranking every match of a common word is what makes
        naive full-text search slow, and recency is what people browse by."""
        if self.sort and not (self.sort.lstrip("-") == "relevance" and not self.has_text):
            return self.sort
        return "-created"


def _positive_text(node: Node) -> bool:
    if isinstance(node, Term):
        return not node.negated
    if isinstance(node, Group):
        return not node.negated and any(map(_positive_text, node.items))
    return False


class _Parser:
    """Recursive descent over ``query := part*``, ``part := unary (OR unary)*``,
    ``unary := -? ( "(" part* ")" | "phrase" | key:value | word[*] )``.

    OR binds tighter than the implicit AND, as in web search engines: ``fox tag:a OR tag:b``
    is fox AND (tag:a OR tag:b). ``OR`` is an operator only in capitals between two parts.
    """

    def __init__(self, text: str, now: datetime) -> None:
        self.text, self.now, self.i, self.n = text, now, 0, len(text)

    def fail(self, position: int, expected: str) -> NoReturn:
        raise QuerySyntaxError(self.text, position, expected)

    def skip_space(self) -> None:
        while self.i < self.n and self.text[self.i].isspace():
            self.i += 1

    def at_or(self) -> bool:
        t, i = self.text, self.i
        return t.startswith("OR", i) and (
            i + 2 == self.n or t[i + 2].isspace() or t[i + 2] in '()"'
        )

    def all_of(self, depth: int) -> list[Node]:
        items: list[Node] = []
        while True:
            self.skip_space()
            if self.i >= self.n or self.text[self.i] == ")":
                return items
            node = self.any_of(depth)
            if node is not None:
                items.append(node)

    def any_of(self, depth: int) -> Node | None:
        first = self.unary(depth)
        alternatives: list[Node] = []
        while True:
            save = self.i
            self.skip_space()
            if not self.at_or():
                self.i = save
                break
            self.i += 2
            self.skip_space()
            if self.i >= self.n or self.text[self.i] == ")":
                self.fail(self.i, f"{_ANY_TERM} after OR")
            start = self.i
            node = self.unary(depth)
            if node is None:
                self.fail(start, "words inside the quotes on each side of OR")
            alternatives.append(node)
        if not alternatives:
            return first
        if first is None:
            self.fail(self.i, "words inside the quotes on each side of OR")
        items: list[Node] = []
        for node in (first, *alternatives):
            nested = isinstance(node, Group) and node.any_of and not node.negated
            items.extend(node.items if isinstance(node, Group) and nested else (node,))
        return Group(tuple(items), any_of=True)

    def unary(self, depth: int) -> Node | None:
        t, start = self.text, self.i
        negated = t[start] == "-" and start + 1 < self.n and not t[start + 1].isspace()
        negated = negated and t[start + 1] not in "-)"
        if negated:
            self.i += 1
        if t[self.i] == "(":
            node = self.parenthesised(depth)
            return self.negate(node, start) if negated else node
        if t[self.i] == '"':
            end = t.find('"', self.i + 1)
            if end < 0:
                self.fail(self.i, 'a closing quote (")')
            phrase = " ".join(t[self.i + 1 : end].split())
            self.i = end + 1
            return Term(phrase, phrase=True, negated=negated) if phrase else None
        m = _KEY.match(t, self.i)
        if m and m.group(1).lower() in FILTER_KEYS:
            return self.filter(m.group(1).lower(), m.end(), negated, start)
        if m:
            known = ", ".join(f"{k}:" for k in FILTER_KEYS)
            self.fail(start, f"a known filter ({known}) or quote the word")
        wm = _WORD_CHARS.match(t, self.i)
        if not wm:  # unreachable: a '-' before a space, a quote or ')' is a word
            self.fail(self.i, "a word after '-'")
        word, self.i = wm.group(0), wm.end()
        if word == "OR":
            self.fail(wm.start(), f'{_ANY_TERM} before OR (or "OR" in quotes, to find the word)')
        if word.endswith("*") and _WORDLIKE.search(word):
            return Term(word.rstrip("*"), negated=negated, prefix=True)
        return Term(word, negated=negated)

    def parenthesised(self, depth: int) -> Node:
        opening = self.i
        if depth >= MAX_DEPTH:
            self.fail(opening, f"at most {MAX_DEPTH} nested parentheses")
        self.i += 1
        items = self.all_of(depth + 1)
        if self.i >= self.n:
            self.fail(opening, "a closing parenthesis ')' for this '('")
        self.i += 1
        if not items:
            self.fail(opening, f"{_ANY_TERM} inside the parentheses")
        if len(items) == 1:
            return items[0]
        flat: list[Node] = []
        for node in items:
            nested = isinstance(node, Group) and not node.any_of and not node.negated
            flat.extend(node.items if isinstance(node, Group) and nested else (node,))
        return Group(tuple(flat))

    def filter(self, key: str, j: int, negated: bool, start: int) -> Filter:
        t = self.text
        if j < self.n and t[j] == '"':
            end = t.find('"', j + 1)
            if end < 0:
                self.fail(j, 'a closing quote (")')
            value, self.i = t[j + 1 : end].strip(), end + 1
        else:
            wm = _WORD_CHARS.match(t, j)
            value, self.i = (wm.group(0), wm.end()) if wm else ("", j)
        if not value:
            self.fail(j, f"a value after '{key}:'")
        if negated and key not in NEGATABLE and key != "rating":
            self.fail(j, f"'{key}:' without '-' (only {', '.join(NEGATABLE)} can be negated)")
        try:
            normal = normalise(key, value, self.now)
        except ValueError as exc:
            self.fail(j, str(exc))
        if key == "rating" and negated:
            return Filter(key, opposite_rating(normal), False, position=start)  # type: ignore[arg-type]
        return Filter(key, normal, negated, position=start)

    def negate(self, node: Node, position: int) -> Node:
        if isinstance(node, Filter) and node.key == "rating":
            return replace(node, value=opposite_rating(node.value))  # type: ignore[arg-type]
        if isinstance(node, Filter) and node.key not in NEGATABLE:
            self.fail(
                position, f"'{node.key}:' without '-' (only {', '.join(NEGATABLE)} can be negated)"
            )
        return replace(node, negated=not node.negated)

    def check_nested(self, node: Node) -> None:
        """Refuse what applies to the whole search inside OR or a negated group."""
        if isinstance(node, Group):
            for item in node.items:
                self.check_nested(item)
        elif isinstance(node, Filter) and (
            node.key in TOP_LEVEL_ONLY or (node.key == "is" and node.value == "trashed")
        ):
            self.fail(
                node.position, f"'{node.key}:' outside OR and -( ) (it applies to the whole search)"
            )


def parse(text: str, *, now: datetime | None = None) -> Query:
    """Parse a query string; raises QuerySyntaxError with the position of the problem."""
    if len(text) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(text[:40], MAX_QUERY_CHARS, f"at most {MAX_QUERY_CHARS} characters")
    if "\x00" in text:
        raise QuerySyntaxError(text, text.index("\x00"), "text without NUL characters")
    parser = _Parser(text, now or datetime.now(UTC))
    items = parser.all_of(0)
    if parser.i < parser.n:  # all_of stops at a ')' that no '(' opened
        parser.fail(parser.i, "an opening '(' before this ')' (or quote the text)")
    q: dict[str, object] = {}
    terms: list[Term] = []
    groups: list[Group] = []

    def visit(node: Node) -> None:
        if isinstance(node, Term):
            terms.append(node)
        elif isinstance(node, Filter):
            _fold(q, node)
        elif not node.any_of and not node.negated:  # (a b) at the top: just a and b
            for part in node.items:
                visit(part)
        else:
            parser.check_nested(node)
            groups.append(node)

    for item in items:
        visit(item)
    return replace(Query(), terms=tuple(terms), groups=tuple(groups), **q)  # type: ignore[arg-type]


def _fold(q: dict[str, object], node: Filter) -> None:
    """Put a top-level filter into the query's flat fields."""
    if node.key == "is":
        q[str(node.value)] = not node.negated
    elif node.key in _FIELDS:
        name = ("not_" if node.negated else "") + _FIELDS[node.key]
        current = q.get(name, ())
        assert isinstance(current, tuple)
        if node.value not in current:
            q[name] = (*current, node.value)
    else:  # after, before, safe, parent, sort: the last one given wins
        q[node.key] = node.value


def node_text(node: Node) -> str:
    """One part of a query written back as text (groups always in parentheses)."""
    sign = "-" if node.negated else ""
    if isinstance(node, Term):
        body = f'"{node.text}"' if node.phrase else node.text
        return sign + body + ("*" if node.prefix else "")
    if isinstance(node, Filter):
        return f"{sign}{node.key}:{value_text(node.key, node.value)}"
    joiner = " OR " if node.any_of else " "
    return sign + "(" + joiner.join(map(node_text, node.items)) + ")"


def to_text(query: Query) -> str:
    """Write a query back as text that parses to an equal query (dates as ISO instants)."""
    parts = [node_text(t) for t in query.terms]

    def each(key: str, values: tuple[FilterValue, ...], negated: bool = False) -> None:
        parts.extend(node_text(Filter(key, v, negated)) for v in values)

    for key, name in _FIELDS.items():
        each(key, getattr(query, name))
        if hasattr(query, "not_" + name):
            each(key, getattr(query, "not_" + name), negated=True)
    for key in ("after", "before", "safe", "parent", "sort"):
        value = getattr(query, key)
        if value is not None:
            each(key, (value,))
    for name in IS_VALUES:
        value = getattr(query, name)
        if value is not None:
            each("is", (name,), negated=not value)
    parts += [node_text(g) for g in query.groups]
    return " ".join(parts)
