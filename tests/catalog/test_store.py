"""The catalog on SQLite and PostgreSQL: migrations, the lifecycle, prefixes, hostile text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect

from ideovault.catalog import Catalog
from ideovault.catalog.records import (
    GenerationStatus,
    ImageStatus,
    NewImage,
    StoredInfo,
)
from ideovault.errors import AmbiguousId, NotFound
from ideovault.ids import new_id

NOW = datetime(2026, 11, 24, 12, 30, 15, 123456, tzinfo=UTC)


def new_generation(catalog: Catalog, prompt: str = "a fox") -> str:
    gid = new_id()
    catalog.generations.create(
        id=gid,
        endpoint="/v1/ideogram-v3/generate",
        operation="generate",
        model="V_3",
        request={"prompt": prompt, "seed": 1},
        fingerprint="f" * 64,
        owner="host:1:0",
        created_at=NOW,
    )
    return gid


def new_image(prompt: str = "a fox", index: int = 0, **changes: object) -> NewImage:
    data: dict[str, object] = {
        "id": new_id(),
        "index": index,
        "prompt": prompt,
        "expanded_prompt": prompt + ", cinematic",
        "negative_prompt": "blur",
        "model": "V_3",
        "style_type": "GENERAL",
        "aspect_ratio": "16x9",
        "rendering_speed": "TURBO",
        "magic_prompt": "ON",
        "seed": 2_147_483_647,
        "resolution": "1312x736",
        "is_safe": True,
        "original_url": f"https://ideogram.ai/api/images/ephemeral/x{index}.png?exp=1",
        "url_expires_at": NOW + timedelta(hours=1),
        "tags": ("poster", "fox"),
        "created_at": NOW,
    }
    data.update(changes)
    return NewImage(**data)  # type: ignore[arg-type]


@pytest.fixture
def catalog(catalog_url: str):
    with Catalog.open(catalog_url) as c:
        yield c


def test_open_migrates_and_reopen_is_a_no_op(catalog_url: str) -> None:
    with Catalog.open(catalog_url) as first:
        tables = set(inspect(first.engine).get_table_names())
        assert {"generations", "images", "image_tags", "alembic_version"} <= tables
    with Catalog.open(catalog_url) as again:
        assert again.images.status_counts() == {}


def test_the_whole_lifecycle_round_trips(catalog: Catalog) -> None:
    gid = new_generation(catalog)
    images = [new_image(index=0), new_image(index=1), new_image(index=2, original_url=None,
                                                                 is_safe=False)]  # fmt: skip
    rows = catalog.generations.record_response(
        gid, raw={"data": []}, images=images, answered_at=NOW
    )
    assert [r.status for r in rows] == [
        ImageStatus.PENDING,
        ImageStatus.PENDING,
        ImageStatus.UNSAFE,
    ]
    gen = catalog.generations.get(gid)
    assert gen.status == GenerationStatus.ANSWERED and gen.num_images == 3
    assert gen.answered_at == NOW and gen.request == {"prompt": "a fox", "seed": 1}
    info = StoredInfo(
        sha256="a" * 64,
        size_bytes=5_000_000_000,
        width=1312,
        height=736,
        mime="image/png",
        blob_key="images/aa/aa/" + "a" * 64 + ".png",
        stored_uri="file:///x",
        local_path="/x",
        stored_at=NOW,
    )
    stored = catalog.images.mark_stored(rows[0].id, info)
    assert stored.status == ImageStatus.STORED and stored.size_bytes == 5_000_000_000
    assert stored.local_path is None  # derived by the vault, never persisted
    again = catalog.images.get(rows[0].id)
    assert again == stored
    assert again.created_at == NOW and again.created_at.tzinfo is not None
    assert again.url_expires_at == NOW + timedelta(hours=1)
    assert again.tags == ("fox", "poster") and again.seed == 2_147_483_647
    assert catalog.images.status_counts() == {"stored": 1, "pending": 1, "unsafe": 1}
    assert [r.id for r, _ in catalog.images.pending()] == [rows[1].id]


def test_record_response_is_all_or_nothing(catalog: Catalog) -> None:
    gid = new_generation(catalog)
    twin = new_image(index=0)
    with pytest.raises(Exception):  # noqa: B017 - the database's own integrity error
        catalog.generations.record_response(gid, raw={}, images=[twin, twin], answered_at=NOW)
    assert catalog.generations.get(gid).status == GenerationStatus.REQUESTED
    assert catalog.images.of_generation(gid) == []
    assert [g.id for g in catalog.generations.unanswered()] == [gid]


def test_prefix_lookup(catalog: Catalog) -> None:
    gid = new_generation(catalog)
    a, b = "01a20bc0-0000-7000-8000-00000000000a", "01a20bc0-0000-7000-8000-00000000000b"
    catalog.generations.record_response(
        gid, raw={}, images=[new_image(id=a), new_image(id=b, index=1)], answered_at=NOW
    )
    assert catalog.images.get(a).id == a
    assert catalog.images.get(b[:-1] + "B").id == b  # case-insensitive
    assert catalog.images.get("01a20bc000007000800000000000000a").id == a  # no hyphens
    with pytest.raises(AmbiguousId, match="several"):
        catalog.images.get("01a20bc0")
    with pytest.raises(NotFound):
        catalog.images.get("ffff")
    for hostile in ("%", "_", "'", "' OR 1=1 --", "0" * 500, "../../etc", "01a20bc0%", ""):
        with pytest.raises(NotFound):
            catalog.images.get(hostile)


def test_list_is_newest_first_with_keyset_pages(catalog: Catalog) -> None:
    gid = new_generation(catalog)
    images = [new_image(index=i) for i in range(5)]
    catalog.generations.record_response(gid, raw={}, images=images, answered_at=NOW)
    ids = [r.id for r in catalog.images.list(limit=50)]
    assert ids == sorted((i.id for i in images), reverse=True)
    first = catalog.images.list(limit=2)
    second = catalog.images.list(limit=2, before_id=first[-1].id)
    assert [r.id for r in first + second] == ids[:4]
    assert catalog.images.list(statuses=[ImageStatus.STORED]) == []


def test_tags_and_stars(catalog: Catalog) -> None:
    gid = new_generation(catalog)
    (row,) = catalog.generations.record_response(gid, raw={}, images=[new_image()], answered_at=NOW)
    row = catalog.images.set_tags(row.id, add=["new", "fox"], remove=["poster"])
    assert row.tags == ("fox", "new")
    assert catalog.images.set_starred(row.id, True).starred is True


@pytest.mark.parametrize(
    "prompt",
    [
        "'; DROP TABLE images; --",
        '<script>alert("x")</script>',
        "100% of _all_ \\ backslashes",
        "emoji 🦊 ünïcödé 中文",
        "z" * 10_000,
    ],
)
def test_hostile_text_round_trips_exactly(catalog: Catalog, prompt: str) -> None:
    gid = new_generation(catalog, prompt)
    (row,) = catalog.generations.record_response(
        gid, raw={"prompt": prompt}, images=[new_image(prompt)], answered_at=NOW
    )
    assert catalog.images.get(row.id).prompt == prompt
    assert catalog.generations.get(gid).request["prompt"] == prompt


def test_head_constant_matches_the_migrations() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from ideovault.catalog.engine import HEAD, MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD
