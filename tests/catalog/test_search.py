"""Search on SQLite (FTS5) and PostgreSQL (tsvector): every filter, ranking, pages, hostile text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ideovault.catalog import Catalog
from ideovault.catalog.records import ImageStatus, StoredInfo
from ideovault.errors import UserError
from tests.catalog.test_store import new_generation, new_image

T0 = datetime(2026, 1, 10, tzinfo=UTC)

ROWS = [
    # prompt, model, style, aspect, seed, day offset, tags, size, starred
    ("a red fox under a neon sign", "V_3", "DESIGN", "16x9", 1234, 0, ("poster",), 500, True),
    ("red fox in the snow", "V_3", "REALISTIC", "1x1", 1, 1, ("draft",), 900, False),
    ("neon sign for a bar", "V_2", "DESIGN", "16x9", 2, 2, ("poster", "bar"), 100, False),
    ("a blue whale", "V_2_TURBO", "GENERAL", "4x3", 3, 40, (), 300, False),
    ("whale and fox friends", "V_3", "GENERAL", "1x1", 4, 41, ("kids",), 700, False),
    ("<script>alert(1)</script> sign", "V_3", "GENERAL", "1x1", 5, 42, (), 200, False),
    ("'; DROP TABLE images; -- fox", "V_3", "GENERAL", "1x1", 6, 43, (), 250, False),
]


@pytest.fixture
def catalog(catalog_url: str):
    with Catalog.open(catalog_url) as c:
        ids = []
        for prompt, model, style, aspect, seed, day, tags, size, starred in ROWS:
            gid = new_generation(c, prompt)
            image = new_image(
                prompt, model=model, style_type=style, aspect_ratio=aspect, seed=seed,
                created_at=T0 + timedelta(days=day), tags=tags, expanded_prompt=None,
                negative_prompt="blurry" if seed == 1 else None,
            )  # fmt: skip
            (row,) = c.generations.record_response(gid, raw={}, images=[image], answered_at=T0)
            c.images.mark_stored(row.id, stored(size))
            if starred:
                c.images.set_starred(row.id, True)
            ids.append(row.id)
        c.ids = ids  # type: ignore[attr-defined]
        yield c


def stored(size: int) -> StoredInfo:
    return StoredInfo(
        sha256="b" * 64, size_bytes=size, width=1, height=1, mime="image/png",
        blob_key="images/bb/bb/" + "b" * 64 + ".png", stored_uri="file:///x", local_path=None,
        stored_at=T0,
    )  # fmt: skip


def prompts(catalog: Catalog, q: str, **kw: object) -> list[str]:
    return [r.prompt for r in catalog.images.search(q, **kw).records]  # type: ignore[arg-type]


def test_words_phrases_and_negation(catalog: Catalog) -> None:
    assert prompts(catalog, "fox") == [
        "'; DROP TABLE images; -- fox", "whale and fox friends", "red fox in the snow",
        "a red fox under a neon sign",
    ]  # fmt: skip
    assert prompts(catalog, '"neon sign"') == ["neon sign for a bar", "a red fox under a neon sign"]
    assert prompts(catalog, "fox -snow -whale -drop") == ["a red fox under a neon sign"]
    assert prompts(catalog, "-fox -sign") == ["a blue whale"]
    assert prompts(catalog, "blurry") == ["red fox in the snow"]  # negative prompt is indexed
    assert prompts(catalog, "kids") == ["whale and fox friends"]  # tags are indexed


def test_filters(catalog: Catalog) -> None:
    assert prompts(catalog, "tag:poster") == ["neon sign for a bar", "a red fox under a neon sign"]
    assert prompts(catalog, "tag:poster -tag:bar") == ["a red fox under a neon sign"]
    assert prompts(catalog, "model:V_2_TURBO") == ["a blue whale"]
    assert len(prompts(catalog, "-model:V_3")) == 2
    assert prompts(catalog, "style:design aspect:16:9 fox") == ["a red fox under a neon sign"]
    assert prompts(catalog, "seed:1234") == ["a red fox under a neon sign"]
    assert prompts(catalog, "after:2026-02-20 before:2026-02-20") == ["whale and fox friends"]
    assert len(prompts(catalog, "after:2026-02-19 before:2026-02-20")) == 2
    assert prompts(catalog, "is:starred") == ["a red fox under a neon sign"]
    assert len(prompts(catalog, "-is:starred")) == 6
    assert len(prompts(catalog, "safe:true status:stored")) == 7
    assert prompts(catalog, "status:pending") == []
    assert prompts(catalog, "safe:false") == []


def test_sorting(catalog: Catalog) -> None:
    assert prompts(catalog, "sort:-size")[:2] == ["red fox in the snow", "whale and fox friends"]
    assert prompts(catalog, "sort:size")[0] == "neon sign for a bar"
    assert prompts(catalog, "sort:seed")[0] == "red fox in the snow"
    assert prompts(catalog, "sort:created")[0] == "a red fox under a neon sign"
    ranked = prompts(catalog, "neon sort:relevance")
    assert set(ranked) == {"neon sign for a bar", "a red fox under a neon sign"}
    assert prompts(catalog, "sort:relevance")[0] == "'; DROP TABLE images; -- fox"  # no text


@pytest.mark.parametrize("sort", ["-created", "created", "-size", "size", "seed", "relevance"])
def test_keyset_pages_cover_everything_once(catalog: Catalog, sort: str) -> None:
    q = f"sort:{sort}" + (" fox sign whale -zzz" if sort == "relevance" else "")
    expected = [r.id for r in catalog.images.search(q, limit=100).records]
    seen, cursor = [], None
    while True:
        result = catalog.images.search(q, limit=2, cursor=cursor)
        seen += [r.id for r in result.records]
        cursor = result.next_cursor
        if cursor is None:
            break
    assert seen == expected


def test_trash_and_tag_edits_keep_the_index_in_step(catalog: Catalog) -> None:
    target = catalog.ids[3]  # type: ignore[attr-defined]
    catalog.images.set_tags(target, add=["ocean"], remove=[])
    assert prompts(catalog, "ocean") == ["a blue whale"]
    assert prompts(catalog, "tag:ocean") == ["a blue whale"]
    catalog.images.set_tags(target, add=[], remove=["ocean"])
    assert prompts(catalog, "ocean") == []
    with catalog.engine.begin() as conn:
        from sqlalchemy import update

        from ideovault.catalog.schema import images

        conn.execute(update(images).where(images.c.id == target).values(trashed_at=T0))
    assert "a blue whale" not in prompts(catalog, "whale")
    assert prompts(catalog, "whale is:trashed") == ["a blue whale"]


def test_tags_are_loaded_on_results(catalog: Catalog) -> None:
    (record,) = catalog.images.search("bar").records
    assert record.tags == ("bar", "poster") and record.status == ImageStatus.STORED


@pytest.mark.parametrize(
    "q",
    ["'; DROP TABLE images; --", 'NEAR(a b) OR * ^ "', "fox AND OR NOT", "%_%", "\\", "''"],
)
def test_sql_and_fts_syntax_in_user_text_is_just_text(catalog: Catalog, q: str) -> None:
    try:
        result = catalog.images.search(q)
    except UserError:  # an unterminated quote is a syntax error, never a crash
        return
    assert isinstance(result.records, list)
    assert len(prompts(catalog, "")) == 7  # nothing was dropped


def test_drop_table_text_is_found_as_words(catalog: Catalog) -> None:
    assert prompts(catalog, "DROP TABLE") == ["'; DROP TABLE images; -- fox"]
    assert prompts(catalog, "script") == ["<script>alert(1)</script> sign"]


def test_parent_filter_and_bad_cursor(catalog: Catalog) -> None:
    with pytest.raises(UserError):
        catalog.images.search("parent:ffffffff")
    with pytest.raises(UserError, match="cursor"):
        catalog.images.search("fox", cursor="not-a-cursor")
    other = catalog.images.search("sort:size", limit=1).next_cursor
    with pytest.raises(UserError, match="different"):
        catalog.images.search("fox", cursor=other)


def test_restore_and_delete_keep_the_index_in_step(catalog: Catalog) -> None:

    whale = catalog.images.search("whale -fox").records[0]
    catalog.maintenance.set_trashed([whale.id], T0)
    assert prompts(catalog, "blue whale") == []
    catalog.maintenance.set_trashed([whale.id], None)
    assert prompts(catalog, "blue whale") == ["a blue whale"]
    catalog.maintenance.delete_images([whale.id])
    assert prompts(catalog, "blue whale") == [] and prompts(catalog, "blue whale is:trashed") == []
    if catalog.dialect == "sqlite":
        with catalog.engine.connect() as conn:
            from sqlalchemy import text

            count = conn.execute(text("SELECT count(*) FROM images_fts")).scalar()
        assert count == len(ROWS) - 1  # the FTS row went with the image row
