"""Trash, restore, purge with shared blobs, and verify (with and without repair)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from ideovault.blobs.local import LocalBlobStore
from ideovault.catalog.records import ImageStatus
from ideovault.errors import UserError
from ideovault.vault import Vault
from ideovault.vault.sending import SendOptions


def path_of(vault: Vault, key: str | None) -> Path:
    path = vault.context.store.local_path(key or "")
    assert path is not None
    return path


def test_trash_hides_and_restore_brings_back(vault: Vault) -> None:
    (a,) = vault.generations.generate("keep me", seed=1)
    (b,) = vault.generations.generate("trash me", seed=2)
    vault.upkeep.trash([b.id[:20]])
    assert [r.id for r in vault.images.list().records] == [a.id]
    assert vault.images.search("trash").records == []
    assert [r.id for r in vault.images.search("is:trashed").records] == [b.id]
    assert [r.id for r in vault.upkeep.trashed()] == [b.id]
    assert path_of(vault, b.blob_key).is_file()  # files are kept in the trash
    assert vault.upkeep.restore([b.id])[0].trashed_at is None
    assert {r.id for r in vault.images.list().records} == {a.id, b.id}


def test_purge_keeps_a_blob_another_record_shares(vault: Vault) -> None:
    (a,) = vault.generations.generate("shared picture", seed=3)
    (b,) = vault.generations.generate("shared picture", seed=3, options=SendOptions(force=True))
    assert a.blob_key == b.blob_key
    vault.upkeep.trash([a.id])
    report = vault.upkeep.purge(everything=True)
    assert [r.id for r in report.purged] == [a.id] and report.blobs_deleted == 0
    assert path_of(vault, b.blob_key).is_file()
    sidecar = vault.context.store.read_sidecar(b.blob_key or "")
    assert sidecar is not None and set(sidecar["records"]) == {b.id}
    vault.upkeep.trash([b.id])
    report = vault.upkeep.purge(everything=True)
    assert report.blobs_deleted == 1 and report.bytes_freed == b.size_bytes
    assert not path_of(vault, b.blob_key).exists()
    assert vault.context.store.read_sidecar(b.blob_key or "") is None
    with pytest.raises(UserError):
        vault.images.get(b.id)


def test_purge_older_than_leaves_recent_trash(vault: Vault) -> None:
    (a,) = vault.generations.generate("recently trashed", seed=4)
    vault.upkeep.trash([a.id])
    assert vault.upkeep.purge(older_than=timedelta(days=7)).purged == []
    assert vault.upkeep.purge(older_than=timedelta(0)).purged[0].id == a.id
    with pytest.raises(UserError, match="--all"):
        vault.upkeep.purge()


def test_crash_between_row_and_file_leaves_only_an_orphan(
    vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    (a,) = vault.generations.generate("crash during purge", seed=5)
    vault.upkeep.trash([a.id])

    def power_cut(self: LocalBlobStore, key: str) -> None:
        raise OSError("power cut")

    monkeypatch.setattr(LocalBlobStore, "delete", power_cut)
    with pytest.raises(OSError):
        vault.upkeep.purge(everything=True)
    monkeypatch.undo()
    with pytest.raises(UserError):
        vault.images.get(a.id)  # no record points to anything
    report = vault.upkeep.verify()
    assert [(p.kind, p.key) for p in report.problems] == [("orphan", a.blob_key)]
    assert not report.ok
    assert path_of(vault, a.blob_key).is_file()  # verify never deletes, even orphans


def test_verify_clean_vault(vault: Vault) -> None:
    records = vault.generations.generate("all fine", num_images=3, seed=6)
    report = vault.upkeep.verify()
    assert report.ok and report.checked == 3 and report.problems == []
    assert report.bytes_checked == sum(r.size_bytes or 0 for r in records)


def test_verify_finds_and_repairs(vault: Vault) -> None:
    damaged, missing, stale = vault.generations.generate("three problems", num_images=3, seed=7)
    data = bytearray(path_of(vault, damaged.blob_key).read_bytes())
    data[len(data) // 2] ^= 0xFF
    path_of(vault, damaged.blob_key).write_bytes(bytes(data))
    path_of(vault, missing.blob_key).unlink()
    vault.context.store.remove_from_sidecar(stale.blob_key or "", stale.id)
    report = vault.upkeep.verify()
    found = {(p.kind, p.image_id) for p in report.problems}
    assert found == {("corrupt", damaged.id), ("missing", missing.id), ("sidecar", stale.id)}
    assert not report.ok
    repaired = vault.upkeep.verify(repair=True)
    fixes = {p.image_id: p.repaired for p in repaired.problems}
    assert fixes[damaged.id] is None  # bad bytes are reported, never "fixed" by deleting
    assert fixes[missing.id] and "lost" in fixes[missing.id]
    assert fixes[stale.id] and "sidecar" in fixes[stale.id]
    assert vault.images.get(missing.id).status == ImageStatus.LOST
    after = vault.upkeep.verify()
    assert {(p.kind, p.image_id) for p in after.problems} == {("corrupt", damaged.id)}


def test_verify_relinks_to_an_identical_copy(vault: Vault) -> None:
    (a,) = vault.generations.generate("twin", seed=8)
    good = path_of(vault, a.blob_key)
    jpg_twin = good.with_suffix(".webp")  # the same bytes under another extension's key
    jpg_twin.write_bytes(good.read_bytes())
    good.unlink()
    report = vault.upkeep.verify(repair=True)
    assert report.problems[0].repaired and "re-linked" in report.problems[0].repaired
    assert vault.images.get(a.id).blob_key == a.blob_key.replace(".png", ".webp")  # type: ignore[union-attr]
    assert vault.upkeep.verify().ok
