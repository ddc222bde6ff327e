"""Random OR / parenthesised / negated / prefix queries give, on SQLite and on PostgreSQL,
exactly the rows a plain Python reading of the same query picks out of the fixture's rows."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ideovault.catalog import Catalog
from ideovault.catalog.query import Filter, Group, Node, Query, Term, to_text
from tests.catalog.test_search import ROWS, catalog  # noqa: F401  (the fixture)

WORDS = ["fox", "red", "whale", "neon", "sign", "snow", "blue", "blurry", "kids", "bar"]
PREFIXES = ["fo", "wha", "si", "bl", "ne"]
TAGS = ["poster", "draft", "kids", "bar"]
MODELS = ["V_3", "V_2", "V_2_TURBO"]

leaf = st.one_of(
    st.builds(Term, text=st.sampled_from(WORDS), negated=st.booleans()),
    st.builds(Term, text=st.sampled_from(PREFIXES), negated=st.booleans(), prefix=st.just(True)),
    st.builds(Filter, key=st.just("tag"), value=st.sampled_from(TAGS), negated=st.booleans()),
    st.builds(Filter, key=st.just("model"), value=st.sampled_from(MODELS), negated=st.booleans()),
)
nodes = st.recursive(
    leaf,
    lambda inner: st.builds(
        Group,
        items=st.lists(inner, min_size=2, max_size=3).map(tuple),
        any_of=st.booleans(),
        negated=st.booleans(),
    ),
    max_leaves=6,
)


def _row_words(row: tuple[object, ...]) -> list[str]:
    prompt, _model, _style, _aspect, seed, _day, tags, *_ = row
    text = f"{prompt} {'blurry' if seed == 1 else ''} {' '.join(tags)}"  # type: ignore[arg-type]
    return re.findall(r"\w+", text.lower())


def _matches(node: Node, row: tuple[object, ...]) -> bool:
    if isinstance(node, Term):
        words = _row_words(row)
        hit = any(w.startswith(node.text) for w in words) if node.prefix else node.text in words
    elif isinstance(node, Filter):
        hit = node.value in row[6] if node.key == "tag" else row[1] == node.value  # type: ignore[operator]
    else:
        parts = [_matches(n, row) for n in node.items]
        hit = any(parts) if node.any_of else all(parts)
    return hit != node.negated


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(nodes, min_size=1, max_size=3))
def test_groups_select_what_they_say(catalog: Catalog, parts: list[Node]) -> None:  # noqa: F811
    # Each part stays a group (OR a word no row has): at the top of a query, repeated model:
    # filters keep their old meaning, any of them; the flat fields are test_search's.
    never = Term("zzzz")
    query = to_text(Query(groups=tuple(Group((p, never), any_of=True) for p in parts)))
    expected = {str(r[0]) for r in ROWS if all(_matches(p, r) for p in parts)}
    found = {r.prompt for r in catalog.images.search(query, limit=100).records}
    assert found == expected, query
