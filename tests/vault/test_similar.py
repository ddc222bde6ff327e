"""Similar images and near-duplicates by perceptual hash, and the backfill for old records."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from ideovault.catalog.schema import images
from ideovault.errors import UserError
from ideovault.vault import Vault
from ideovault.vault.sending import SendOptions


def test_every_stored_image_gets_a_perceptual_hash(vault: Vault) -> None:
    records = vault.generations.generate("hash me", num_images=2, seed=1)
    assert all(r.phash and len(r.phash) == 16 for r in records)
    assert vault.images.get(records[0].id).phash == records[0].phash


def test_similar_ranks_the_same_picture_first(vault: Vault) -> None:
    (a,) = vault.generations.generate("a lighthouse", seed=5)
    (twin,) = vault.generations.generate(
        "a lighthouse", seed=5, options=SendOptions(force=True)
    )  # identical bytes and hash
    others = vault.generations.generate("something else entirely", num_images=3, seed=9)
    matches = vault.images.similar(a.id, limit=10)
    assert matches[0].record.id == twin.id and matches[0].distance == 0
    assert {m.record.id for m in matches} == {twin.id, *(o.id for o in others)}
    assert [m.distance for m in matches] == sorted(m.distance for m in matches)
    assert a.id not in {m.record.id for m in matches}


def test_dupes_groups_identical_pictures(vault: Vault) -> None:
    (a,) = vault.generations.generate("duplicate me", seed=3)
    (b,) = vault.generations.generate("duplicate me", seed=3, options=SendOptions(force=True))
    vault.generations.generate("unique picture", seed=4)
    groups = vault.upkeep.dupes()
    assert len(groups) == 1
    assert {m.record.id for m in groups[0]} == {a.id, b.id}
    with pytest.raises(UserError):
        vault.upkeep.dupes(max_distance=9)


def test_backfill_hashes_older_records(vault: Vault) -> None:
    records = vault.generations.generate("stored before hashes existed", num_images=2, seed=2)
    with vault.context.catalog.engine.begin() as conn:
        conn.execute(update(images).values(phash=None))
    with pytest.raises(UserError, match="backfill"):
        vault.images.similar(records[0].id)
    report = vault.upkeep.backfill()
    assert report.hashed == 2 and report.unreadable == []
    assert vault.images.get(records[0].id).phash == records[0].phash
    assert vault.upkeep.backfill().hashed == 0


def test_backfill_reports_unreadable_files(vault: Vault) -> None:
    (record,) = vault.generations.generate("damaged later", seed=8)
    with vault.context.catalog.engine.begin() as conn:
        conn.execute(update(images).values(phash=None))
    path = vault.context.store.local_path(record.blob_key or "")
    assert path is not None
    path.write_bytes(b"not an image any more")
    report = vault.upkeep.backfill()
    assert report.hashed == 0 and report.unreadable == [record.id]
