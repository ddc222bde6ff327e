"""The search language, one grammar for the CLI, the Python API and the web (DESIGN.md).

    red fox "neon sign" tag:poster -tag:draft model:V_3 style:DESIGN aspect:16x9 seed:1234
    after:2026-01-01 before:7d safe:true is:starred -is:trashed status:pending parent:0193a5
    sort:-created

Free words and quoted phrases are full-text terms (a leading ``-`` excludes them); ``key:value``
pairs are exact filters. Parsing is pure (no database), so it is cheap to fuzz: any string
either parses or raises :class:`QuerySyntaxError` naming the position and what was expected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

from ideovault.errors import UserError

MAX_QUERY_CHARS = 2_000
MAX_SEED = 2_147_483_647
SORT_KEYS = ("relevance", "created", "size", "seed")
IS_VALUES = ("starred", "trashed")
STATUSES = ("pending", "stored", "expired", "failed", "unsafe", "lost")
FILTER_KEYS = (
    "tag", "model", "style", "aspect", "seed", "after", "before", "safe", "is", "status",
    "parent", "op", "sort", "by",
)  # fmt: skip
NEGATABLE = ("tag", "is", "model", "style", "status", "op")
OPERATIONS = (
    "generate", "remix", "edit", "upscale", "reframe", "replace-background", "upload", "import",
    "generate-transparent", "remove-background", "layerize-text", "instruct",
)  # fmt: skip

_WORD_CHARS = re.compile(r'[^\s"]+')
_KEY = re.compile(r"([a-z]+):", re.IGNORECASE)
_RELATIVE = re.compile(r"^(\d{1,5})([hdwy])$")
_ASPECT = re.compile(r"^(\d{1,2})[x:](\d{1,2})$")
_ID_PREFIX = re.compile(r"^[0-9a-fA-F-]{1,36}$")


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
    text: str
    phrase: bool = False
    negated: bool = False


@dataclass(frozen=True)
class Query:
    """A parsed query. Empty tuples and None mean "no constraint"."""

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
    by: tuple[str, ...] = ()  # made by these people (the audit log's generate entries)
    raw_filters: tuple[str, ...] = field(default=(), compare=False)

    @property
    def has_text(self) -> bool:
        return any(not t.negated for t in self.terms)

    @property
    def effective_sort(self) -> str:
        """Newest first unless asked: ranking every match of a common word is what makes
        naive full-text search slow, and recency is what people browse by."""
        if self.sort and not (self.sort.lstrip("-") == "relevance" and not self.has_text):
            return self.sort
        return "-created"


def _parse_date(text: str, now: datetime, *, end_of_day: bool) -> datetime:
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


def _apply(q: dict[str, object], key: str, value: str, negated: bool, now: datetime) -> None:
    """Fold one filter into the query under construction; ValueError says what was expected."""

    def add(name: str, item: object) -> None:
        current = q.get(name, ())
        assert isinstance(current, tuple)
        if item not in current:
            q[name] = (*current, item)

    if negated and key not in NEGATABLE:
        raise ValueError(f"'{key}:' without '-' (only {', '.join(NEGATABLE)} can be negated)")
    if key == "tag":
        add("not_tags" if negated else "tags", "-".join(value.lower().split()))
    elif key == "by":
        add("by", value.lower())
    elif key == "model":
        add("not_models" if negated else "models", value.upper())
    elif key == "style":
        add("not_styles" if negated else "styles", value.upper())
    elif key == "op":
        if value.lower() not in OPERATIONS:
            raise ValueError("one of " + ", ".join(OPERATIONS))
        add("not_ops" if negated else "ops", value.lower())
    elif key == "aspect":
        m = _ASPECT.match(value.lower().removeprefix("aspect_").replace("_", "x"))
        if not m:
            raise ValueError("an aspect ratio like 16x9 or 16:9")
        add("aspects", f"{int(m.group(1))}x{int(m.group(2))}")
    elif key == "seed":
        if not value.isdigit() or int(value) > MAX_SEED:
            raise ValueError(f"a seed between 0 and {MAX_SEED}")
        add("seeds", int(value))
    elif key in ("after", "before"):
        q[key] = _parse_date(value, now, end_of_day=key == "before")
    elif key == "safe":
        q["safe"] = _bool(value)
    elif key == "is":
        if value.lower() not in IS_VALUES:
            raise ValueError(" or ".join(IS_VALUES))
        q[value.lower()] = not negated
    elif key == "status":
        if value.lower() not in STATUSES:
            raise ValueError("one of " + ", ".join(STATUSES))
        add("not_statuses" if negated else "statuses", value.lower())
    elif key == "parent":
        if not _ID_PREFIX.match(value):
            raise ValueError("an image id or id prefix")
        q["parent"] = value.lower()
    elif key == "sort":
        name = value.lower().lstrip("-+")
        if name not in SORT_KEYS:
            raise ValueError("sort:relevance, created, size or seed, with '-' for descending")
        q["sort"] = ("-" if value.startswith("-") else "") + name


def parse(text: str, *, now: datetime | None = None) -> Query:
    """Parse a query string; raises QuerySyntaxError with the position of the problem."""
    if len(text) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(text[:40], MAX_QUERY_CHARS, f"at most {MAX_QUERY_CHARS} characters")
    if "\x00" in text:
        raise QuerySyntaxError(text, text.index("\x00"), "text without NUL characters")
    now = now or datetime.now(UTC)
    q: dict[str, object] = {}
    terms: list[Term] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start = i
        negated = text[i] == "-" and i + 1 < n and not text[i + 1].isspace() and text[i + 1] != "-"
        if negated:
            i += 1
        if text[i] == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise QuerySyntaxError(text, i, 'a closing quote (")')
            phrase = " ".join(text[i + 1 : end].split())
            if phrase:
                terms.append(Term(phrase, phrase=True, negated=negated))
            i = end + 1
            continue
        m = _KEY.match(text, i)
        if m and m.group(1).lower() in FILTER_KEYS:
            key = m.group(1).lower()
            j = m.end()
            if j < n and text[j] == '"':
                end = text.find('"', j + 1)
                if end < 0:
                    raise QuerySyntaxError(text, j, 'a closing quote (")')
                value, i = text[j + 1 : end].strip(), end + 1
            else:
                wm = _WORD_CHARS.match(text, j)
                value, i = (wm.group(0), wm.end()) if wm else ("", j)
            if not value:
                raise QuerySyntaxError(text, j, f"a value after '{key}:'")
            try:
                _apply(q, key, value, negated, now)
            except ValueError as exc:
                raise QuerySyntaxError(text, j, str(exc)) from None
            continue
        if m and not m.group(1).isdigit():
            known = ", ".join(f"{k}:" for k in FILTER_KEYS)
            raise QuerySyntaxError(text, start, f"a known filter ({known}) or quote the word")
        wm = _WORD_CHARS.match(text, i)
        if not wm:  # a lone '-' before a space or a quote char handled above
            raise QuerySyntaxError(text, i, "a word after '-'")
        terms.append(Term(wm.group(0), negated=negated))
        i = wm.end()
    return replace(Query(), terms=tuple(terms), **q)  # type: ignore[arg-type]


def to_text(query: Query) -> str:
    """Write a query back as text that parses to an equal query (dates as ISO instants)."""
    parts: list[str] = []
    for t in query.terms:
        body = f'"{t.text}"' if t.phrase else t.text
        parts.append(("-" if t.negated else "") + body)

    def quote(v: str) -> str:
        return f'"{v}"' if (not v or any(c.isspace() for c in v)) else v

    parts += [f"tag:{quote(t)}" for t in query.tags]
    parts += [f"-tag:{quote(t)}" for t in query.not_tags]
    parts += [f"model:{m}" for m in query.models] + [f"-model:{m}" for m in query.not_models]
    parts += [f"style:{s}" for s in query.styles] + [f"-style:{s}" for s in query.not_styles]
    parts += [f"op:{o}" for o in query.ops] + [f"-op:{o}" for o in query.not_ops]
    parts += [f"aspect:{a}" for a in query.aspects] + [f"seed:{s}" for s in query.seeds]
    parts += [f"by:{quote(b)}" for b in query.by]
    if query.after:
        parts.append("after:" + query.after.isoformat())
    if query.before:
        parts.append("before:" + query.before.isoformat())
    if query.safe is not None:
        parts.append(f"safe:{str(query.safe).lower()}")
    if query.starred is not None:
        parts.append(("" if query.starred else "-") + "is:starred")
    if query.trashed is not None:
        parts.append(("" if query.trashed else "-") + "is:trashed")
    parts += [f"status:{s}" for s in query.statuses]
    parts += [f"-status:{s}" for s in query.not_statuses]
    if query.parent:
        parts.append(f"parent:{query.parent}")
    if query.sort:
        parts.append(f"sort:{query.sort}")
    return " ".join(parts)
