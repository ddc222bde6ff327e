"""The search language parser: every documented form, clear errors, and fuzzing."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ideovault.catalog.query import (
    Filter,
    Group,
    Query,
    QuerySyntaxError,
    Term,
    parse,
    to_text,
)

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def test_the_design_example_parses() -> None:
    q = parse(
        'red fox "neon sign" tag:poster -tag:draft model:V_3 style:DESIGN aspect:16x9 '
        "seed:1234 after:2026-01-01 before:2026-02-01 safe:true is:starred is:trashed "
        "status:pending sort:-created",
        now=NOW,
    )
    assert q.terms == (Term("red"), Term("fox"), Term("neon sign", phrase=True))
    assert q.tags == ("poster",) and q.not_tags == ("draft",)
    assert q.models == ("V_3",) and q.styles == ("DESIGN",) and q.aspects == ("16x9",)
    assert q.seeds == (1234,)
    assert q.after == datetime(2026, 1, 1, tzinfo=UTC)
    assert q.before == datetime(2026, 2, 2, tzinfo=UTC)  # the whole day of Feb 1st is included
    assert q.safe is True and q.starred is True and q.trashed is True
    assert q.statuses == ("pending",) and q.sort == "-created"


def test_relative_dates_and_negations() -> None:
    q = parse('after:7d -is:starred -cat -"black cat" model:v_2_turbo aspect:16:9', now=NOW)
    assert q.after == NOW - timedelta(days=7)
    assert q.starred is False
    assert q.terms == (Term("cat", negated=True), Term("black cat", phrase=True, negated=True))
    assert q.models == ("V_2_TURBO",) and q.aspects == ("16x9",)
    assert not q.has_text and q.effective_sort == "-created"
    assert parse("fox").effective_sort == "-created"
    assert parse("fox sort:relevance").effective_sort == "relevance"
    assert parse("sort:relevance").effective_sort == "-created"  # nothing to rank by


@pytest.mark.parametrize(
    "text,position,expected",
    [
        ('fox "neon', 4, "closing quote"),
        ("tag:", 4, "a value"),
        ("seed:abc", 5, "a seed"),
        ("seed:99999999999", 5, "a seed"),
        ("after:yesterday", 6, "a date"),
        ("is:happy", 3, "starred or trashed"),
        ("status:gone", 7, "one of"),
        ("sort:name", 5, "sort:relevance"),
        ("tga:poster", 0, "a known filter"),
        ("-seed:3", 6, "without '-'"),
        ("safe:maybe", 5, "true or false"),
        ("aspect:wide", 7, "aspect ratio"),
    ],
)
def test_errors_name_position_and_expectation(text: str, position: int, expected: str) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse(text, now=NOW)
    assert info.value.position == position
    assert expected in str(info.value)
    assert f"position {position + 1}" in str(info.value)


def test_sql_and_fts_operators_are_just_words() -> None:
    q = parse('\'; DROP TABLE images; -- NEAR AND or * ^ + {col} : NOT "OR" "( )"')
    words = ["';", "DROP", "TABLE", "images;", "--", "NEAR", "AND", "or", "*", "^", "+"]
    assert [t.text for t in q.terms] == [*words, "{col}", ":", "NOT", "OR", "( )"]
    assert not any(t.negated or t.prefix for t in q.terms) and not q.groups
    assert parse("12:30 meeting").terms[0].text == "12:30"


def test_too_long_and_nul_are_refused() -> None:
    with pytest.raises(QuerySyntaxError):
        parse("x" * 2_001)
    with pytest.raises(QuerySyntaxError):
        parse("fox\x00")


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=200))
def test_random_text_never_crashes(text: str) -> None:
    with contextlib.suppress(QuerySyntaxError):
        parse(text, now=NOW)


# Text made mostly of the language's own pieces, so the fuzzer reaches deep into groups.
pieces = st.sampled_from(
    ["fox", "wäl", "OR", "or", "(", ")", "-", '"', "*", "fox*", "tag:a", "-tag:b",
     "model:V_3", "rating:>=4", "album:x", "by:al", "is:starred", "-is:trashed", "sort:size",
     "after:7d", "seed:1", ":", "NEAR", "^", "{", "x:y", " ", "  "]
)  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.lists(pieces, max_size=24).map(" ".join) | st.lists(pieces, max_size=24).map("".join))
def test_what_parses_writes_back_to_the_same_query(text: str) -> None:
    try:
        query = parse(text, now=NOW)
    except QuerySyntaxError as exc:
        assert 0 <= exc.position <= len(text)
        return
    assert parse(to_text(query), now=NOW) == query


words = st.text(
    alphabet=st.characters(whitelist_categories=("Ll", "Lu", "Nd"), max_codepoint=0x2FF),
    min_size=1,
    max_size=12,
).filter(lambda w: ":" not in w and w != "OR")
queries = st.builds(
    Query,
    terms=st.lists(
        st.builds(Term, text=words, phrase=st.booleans(), negated=st.booleans()), max_size=4
    ).map(tuple),
    tags=st.lists(words.map(str.lower), max_size=3, unique=True).map(tuple),
    not_tags=st.lists(words.map(str.lower), max_size=2, unique=True).map(tuple),
    models=st.lists(st.sampled_from(["V_3", "V_2", "V_2A_TURBO"]), max_size=2, unique=True).map(
        tuple
    ),
    seeds=st.lists(st.integers(0, 2_147_483_647), max_size=2, unique=True).map(tuple),
    aspects=st.lists(st.sampled_from(["16x9", "1x1", "4x3"]), max_size=2, unique=True).map(tuple),
    after=st.none() | st.datetimes(timezones=st.just(UTC)),
    safe=st.none() | st.booleans(),
    starred=st.none() | st.booleans(),
    trashed=st.none() | st.booleans(),
    statuses=st.lists(st.sampled_from(["stored", "pending"]), max_size=2, unique=True).map(tuple),
    sort=st.none() | st.sampled_from(["created", "-created", "size", "-seed", "relevance"]),
)


@settings(max_examples=300, deadline=None)
@given(queries)
def test_generated_queries_round_trip(query: Query) -> None:
    # words that look like negations or filters are not produced by the strategy
    assume_ok = all(not t.text.startswith("-") for t in query.terms)
    if not assume_ok:
        return
    assert parse(to_text(query), now=NOW) == query


def test_or_binds_tighter_than_and_and_parentheses_group() -> None:
    q = parse("fox tag:poster OR tag:bar whale*", now=NOW)
    assert q.terms == (Term("fox"), Term("whale", prefix=True))
    assert q.groups == (Group((Filter("tag", "poster"), Filter("tag", "bar")), any_of=True),)
    q = parse('(red fox) OR "neon sign" -(cat OR model:V_1)', now=NOW)
    either = Group((Group((Term("red"), Term("fox"))), Term("neon sign", phrase=True)), True)
    neither = Group((Term("cat"), Filter("model", "V_1")), any_of=True, negated=True)
    assert q.groups == (either, neither)
    assert parse("(fox whale) model:V_3", now=NOW).terms == (Term("fox"), Term("whale"))
    assert parse("a OR (b OR c)", now=NOW) == parse("a OR b OR c", now=NOW)
    assert parse("-(-fox)", now=NOW).terms == (Term("fox"),)
    nested = parse("(a OR b (c d) (e OR f))", now=NOW)  # a top-level AND holding groups
    assert nested.terms == (Term("c"), Term("d"))
    assert [len(g.items) for g in nested.groups] == [2, 2]
    assert parse("whale OR portrait", now=NOW).has_text
    assert not parse("-(whale OR portrait)", now=NOW).has_text


def test_rating_album_and_by_parse() -> None:
    q = parse('rating:>=4 rating:3 album:"Client A" -album:old by:alice -by:bob', now=NOW)
    assert q.ratings == ((">=", 4), ("=", 3))
    assert q.albums == ("Client A",) and q.not_albums == ("old",)
    assert q.creators == ("alice",) and q.not_creators == ("bob",)
    assert parse("(rating:<2 OR by:al)", now=NOW).groups[0].items[0] == Filter("rating", ("<", 2))


@pytest.mark.parametrize(
    "text,position,expected",
    [
        ("fox OR", 6, "after OR"),
        ("fox OR )", 7, "after OR"),
        ("OR fox", 0, "before OR"),
        ("fox OR OR cat", 7, "before OR"),
        ("(fox whale", 0, "a closing parenthesis"),
        ("fox (whale (cat)", 4, "a closing parenthesis"),
        ("fox)", 3, "an opening '('"),
        ("()", 0, "inside the parentheses"),
        ("fox -()", 5, "inside the parentheses"),
        ('fox OR ""', 7, "words inside the quotes"),
        ("(sort:size OR fox)", 1, "outside OR"),
        ("-(parent:01 fox)", 2, "outside OR"),
        ("(is:trashed OR fox)", 1, "outside OR"),
        ("-(seed:3)", 0, "without '-'"),
        ("-aspect:3x2", 8, "without '-'"),
        ("rating:6", 7, "a rating from 0 to 5"),
        ("rating:>>4", 7, "a rating"),
        ("album:", 6, "a value"),
        ("(" * 40 + "x" + ")" * 40, 32, "nested parentheses"),
    ],
)
def test_group_errors_name_position(text: str, position: int, expected: str) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse(text, now=NOW)
    assert (info.value.position, expected in str(info.value)) == (position, True)


def _node(depth: int) -> st.SearchStrategy[Term | Filter | Group]:
    leaf = st.one_of(
        st.builds(Term, text=words, phrase=st.booleans(), negated=st.booleans()),
        st.builds(Term, text=words, negated=st.booleans(), prefix=st.just(True)),
        st.builds(Filter, key=st.just("tag"), value=words.map(str.lower), negated=st.booleans()),
        st.builds(Filter, key=st.just("rating"), value=st.tuples(
            st.sampled_from([">=", "<", "="]), st.integers(0, 5))),
        st.builds(Filter, key=st.just("album"), value=words, negated=st.booleans()),
    )  # fmt: skip
    if depth == 0:
        return leaf
    inner = _node(depth - 1)
    ors = st.builds(
        Group, items=st.lists(inner, min_size=2, max_size=3).map(tuple), any_of=st.just(True)
    )
    ands = st.builds(Group, items=st.lists(inner, min_size=2, max_size=3).map(tuple))
    return st.one_of(leaf, ors, ands, ors.map(lambda g: Group(g.items, True, negated=True)))


def _canonical(node: Term | Filter | Group) -> bool:
    """What the parser produces: OR directly in OR, or AND directly in AND, is flattened."""
    if not isinstance(node, Group):
        return True
    for item in node.items:
        if isinstance(item, Group) and not item.negated and item.any_of == node.any_of:
            return False
    return all(_canonical(i) for i in node.items)


@settings(max_examples=300, deadline=None)
@given(st.lists(_node(2), max_size=3))
def test_generated_groups_round_trip(nodes: list[Term | Filter | Group]) -> None:
    groups = tuple(
        g for g in nodes if isinstance(g, Group) and (g.any_of or g.negated) and _canonical(g)
    )
    if any(t.text == "OR" for g in groups for t in _terms(g)):
        return
    query = Query(terms=(Term("fox"),), groups=groups)
    assert parse(to_text(query), now=NOW) == query


def _terms(node: Term | Filter | Group) -> list[Term]:
    if isinstance(node, Term):
        return [node]
    return [t for i in node.items for t in _terms(i)] if isinstance(node, Group) else []


@pytest.mark.parametrize(
    ("text", "written"),
    [("-rating:5", "rating:!=5"), ("-rating:>=4", "rating:<4"), ("-rating:<2", "rating:>=2"),
     ("-rating:>0", "rating:<=0"), ("rating:!=3", "rating:!=3")],
)  # fmt: skip
def test_a_negated_rating_is_the_rating_filter_it_equals(text: str, written: str) -> None:
    query = parse(text, now=NOW)
    assert to_text(query) == written and parse(written, now=NOW) == query
