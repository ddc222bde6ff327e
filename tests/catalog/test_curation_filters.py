"""The curation filters of the search language (rating:, album:), parsed and written back,
and the safe file names of zips."""

from __future__ import annotations

import pytest

from ideovault.catalog.query import QuerySyntaxError, parse, to_text
from ideovault.catalog.records import ImageRecord
from ideovault.vault.zipstream import safe_name


@pytest.mark.parametrize(
    ("text", "value"),
    [("rating:4", ("=", 4)), ("rating:>=4", (">=", 4)), ("rating:<2", ("<", 2)),
     ("rating:=3", ("=", 3)), ("rating:0", ("=", 0)), ("rating:>0", (">", 0)),
     ("rating:<=5", ("<=", 5))],
)  # fmt: skip
def test_rating_values(text: str, value: tuple[str, int]) -> None:
    query = parse(text)
    assert query.ratings == (value,)
    assert parse(to_text(query)) == query


@pytest.mark.parametrize("text", ["rating:6", "rating:>>4", "rating:four", "rating:-1", "rating:"])
def test_bad_ratings_name_the_position(text: str) -> None:
    with pytest.raises(QuerySyntaxError, match="position 8"):
        parse(text)


def test_albums_quoted_negated_and_written_back() -> None:
    query = parse('fox album:"Client picks" -album:<b>x</b> rating:<1')
    assert query.albums == ("Client picks",) and query.not_albums == ("<b>x</b>",)
    assert query.ratings == (("<", 1),)
    assert parse(to_text(query)) == query


@pytest.mark.parametrize(
    ("prompt", "start"),
    [
        ("a red fox / ../../etc/passwd", "a-red-fox-etc-passwd-"),
        ("<script>alert(1)</script>", "script-alert-1-script-"),
        ("東京の夜 🦊", "東京の夜-"),
        ("...", "image-"),
        ("-rf --no-preserve-root", "rf-no-preserve-root-"),
        ("C:\\Windows\\con", "c-windows-con-"),
    ],
)
def test_zip_names_are_safe(prompt: str, start: str) -> None:
    record = ImageRecord(
        id="0193a5c2-0000-7000-8000-000000000001",
        generation_id="g",
        prompt=prompt,
        model="V_3",
        mime="image/png",
        created_at="2026-01-01T00:00:00Z",  # type: ignore[arg-type]
    )
    name = safe_name(record)
    assert name.startswith(start), name
    assert name.endswith("-0193a5c2-0000-7000-8000-000000000001.png")
    assert not any(c in name for c in "/\\:\x00") and ".." not in name
    assert len(safe_name(record.model_copy(update={"prompt": "w" * 5000}))) < 120
