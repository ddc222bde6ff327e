"""Migration 0013 names the creator of the images that already exist, from the audit log's
``generate`` entries (what ``by:`` read before), and the report's person totals count them."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

from ideovault.catalog import Catalog
from ideovault.catalog.engine import MIGRATIONS
from ideovault.catalog.records import NewImage
from ideovault.ids import new_id

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def _alembic(engine: Engine, action: str, revision: str) -> None:
    with engine.connect() as conn:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = conn
        getattr(command, action)(config, revision)
        conn.commit()


def _answered(catalog: Catalog, prompt: str) -> tuple[str, str]:
    gid = new_id()
    catalog.generations.create(
        id=gid, endpoint="/v1/ideogram-v3/generate", operation="generate", model="V_3",
        request={}, fingerprint="f" * 64, owner=None, created_at=NOW,
    )  # fmt: skip
    image = NewImage(
        id=new_id(), index=0, prompt=prompt, expanded_prompt=None, negative_prompt=None,
        model="V_3", style_type=None, aspect_ratio="1x1", rendering_speed="TURBO",
        magic_prompt=None, seed=1, resolution=None, is_safe=True,
        original_url="https://example.invalid/x.png", url_expires_at=None, created_at=NOW,
    )  # fmt: skip
    with catalog.engine.begin() as conn:  # the columns of 0012: no creator yet
        conn.execute(
            text(
                "INSERT INTO images (id, generation_id, idx, prompt, model, aspect_ratio,"
                " rendering_speed, is_safe, status, starred, created_at) VALUES (:id, :g, 0, :p,"
                " 'V_3', '1x1', 'TURBO', :t, 'pending', :f, :now)"
            ),
            {"id": image.id, "g": gid, "p": prompt, "t": True, "f": False, "now": NOW},
        )
    return gid, image.id


def test_0013_backfills_creators_from_the_audit_log(catalog_url: str) -> None:
    catalog = Catalog.open(catalog_url)
    try:
        _alembic(catalog.engine, "downgrade", "0012")
        ed_gen, ed_image = _answered(catalog, "ed's fox")
        _, nobody_image = _answered(catalog, "a fox from before teams")
        catalog.audit.append("ed", "generate", ed_gen, {"usd": 0.03, "model": "V_3"})
        catalog.audit.append("ada", "tag", ed_gen, None)  # not a generate entry
        _alembic(catalog.engine, "upgrade", "head")
        assert catalog.images.get(ed_image).creator == "ed"
        assert catalog.images.get(nobody_image).creator is None
        by = {(d, k): n for d, k, _, _, n, _ in catalog.report.totals() if n}
        assert by[("person", "ed")] == 1 and by[("person", "")] == 1
        assert sorted(catalog.report.totals()) == sorted(catalog.report.recount())
    finally:
        catalog.close()
