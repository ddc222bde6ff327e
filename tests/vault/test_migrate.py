"""storage migrate: local → S3 → local, verify clean after each, resumable, old store kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from ideovault.blobs.s3 import S3BlobStore
from ideovault.config import load_settings
from ideovault.errors import IdeovaultError, UserError
from ideovault.vault import Vault
from ideovault.vault.sending import SendOptions


def test_local_to_s3_and_back(vault: Vault, bucket: str, tmp_path: Path) -> None:
    records = vault.generations.generate(
        "moving house", num_images=3, seed=1, options=SendOptions(tags=("move",))
    )
    old_root = Path(str(vault.context.store.local_path(records[0].blob_key or ""))).parents[3]
    report = vault.upkeep.migrate_storage(f"s3://{bucket}/moved")
    assert report.copied == 3 and report.already_there == 0
    assert isinstance(vault.context.store, S3BlobStore) and vault.upkeep.verify().ok
    assert (
        vault.images.get(records[0].id).stored_uri == f"s3://{bucket}/moved/{records[0].blob_key}"
    )
    assert (old_root / (records[0].blob_key or "")).is_file()  # the old store is untouched
    # the switch is persistent: a new process opens the vault on S3
    settings = vault.context.settings
    reopened = load_settings(home=settings.home, database_url=settings.database_url, env={})
    assert reopened.storage_url == f"s3://{bucket}/moved"
    back = vault.upkeep.migrate_storage(str(tmp_path / "back"))
    assert back.copied == 3 and vault.upkeep.verify().ok
    assert vault.context.store.read_sidecar(records[1].blob_key or "") is not None
    assert vault.upkeep.rebuild(f"sqlite:///{tmp_path / 'r.db'}").images == 3


def test_interrupted_migration_resumes(
    vault: Vault, bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault.generations.generate("resume me", num_images=3, seed=2)
    real = S3BlobStore.upload
    calls: list[str] = []

    def flaky(self: S3BlobStore, path: Path, key: str, sha: str, meta: object = None) -> bool:
        calls.append(key)
        if len(calls) == 2:
            raise IdeovaultError("cannot reach the storage (simulated outage)")
        return real(self, path, key, sha, meta)  # type: ignore[arg-type]

    with monkeypatch.context() as patched:
        patched.setattr(S3BlobStore, "upload", flaky)
        with pytest.raises(IdeovaultError, match="simulated"):
            vault.upkeep.migrate_storage(f"s3://{bucket}/resume")
    assert (
        vault.context.store.local_path("images/00/00/" + "0" * 64 + ".png") is not None
    )  # not switched
    report = vault.upkeep.migrate_storage(f"s3://{bucket}/resume")
    assert report.already_there == 1 and report.copied == 2
    assert vault.upkeep.verify().ok


def test_migrate_refuses_damaged_sources_and_same_store(vault: Vault, bucket: str) -> None:
    (record,) = vault.generations.generate("damaged before moving", seed=3)
    with pytest.raises(UserError, match="already stores"):
        vault.upkeep.migrate_storage(vault.context.store.url)
    Path(str(vault.context.store.local_path(record.blob_key or ""))).write_bytes(b"rot")
    with pytest.raises(IdeovaultError, match="does not match its checksum"):
        vault.upkeep.migrate_storage(f"s3://{bucket}/never")
    assert vault.context.store.local_path(record.blob_key or "") is not None
