"""Rebuild from sidecars: the new catalog equals the old one, record for record."""

from __future__ import annotations

from pathlib import Path

import pytest

from ideovault.catalog import Catalog
from ideovault.errors import UserError
from ideovault.vault import Vault
from ideovault.vault.sending import SendOptions


def snapshot(catalog: Catalog) -> dict[str, dict]:
    out = {}
    for record in catalog.maintenance.iter_with_blobs():
        data = record.to_json()
        data.pop("local_path")
        out[record.id] = data
    return out


def test_rebuild_matches_the_original(vault: Vault, tmp_path: Path) -> None:
    a = vault.generations.generate(
        "first <b>bold</b>", num_images=2, seed=1, options=SendOptions(tags=("poster",))
    )
    b = vault.generations.generate(
        "second", model="V_2", aspect_ratio="4x3", negative_prompt="blur", seed=2
    )
    vault.generations.generate(
        "second",
        model="V_2",
        aspect_ratio="4x3",
        negative_prompt="blur",
        seed=2,
        options=SendOptions(force=True),
    )
    vault.images.tag([a[0].id], add=["hero"], remove=["poster"])
    vault.images.star([b[0].id])
    vault.upkeep.trash([a[1].id])
    original = snapshot(vault.context.catalog)
    assert len(original) == 4
    url = f"sqlite:///{tmp_path / 'rebuilt.db'}"
    report = vault.upkeep.rebuild(url)
    assert report.images == 4 and report.skipped == [] and report.blobs == 3
    with Catalog.open(url) as rebuilt:
        assert snapshot(rebuilt) == original
        gen = rebuilt.generations.get(b[0].generation_id)
        assert gen.request == vault.context.catalog.generations.get(b[0].generation_id).request
        assert [r.prompt for r in rebuilt.images.search("bold").records] == ["first <b>bold</b>"]
    with pytest.raises(UserError, match="not empty"):
        vault.upkeep.rebuild(url)
    with pytest.raises(UserError, match="not empty"):
        vault.upkeep.rebuild()


def test_rebuild_reports_damaged_sidecars(vault: Vault, tmp_path: Path) -> None:
    (a,) = vault.generations.generate("damaged sidecar", seed=3)
    sidecar = Path(str(vault.context.store.local_path(a.blob_key or ""))).with_suffix(".json")
    sidecar.write_text('{"records": {"x": {"image": {"id": 5}}}}')
    report = vault.upkeep.rebuild(f"sqlite:///{tmp_path / 'r.db'}")
    assert report.images == 0 and len(report.skipped) == 1 and "damaged" in report.skipped[0]
