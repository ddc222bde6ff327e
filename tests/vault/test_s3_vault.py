"""The foundation's contract on S3: generate, verify, rebuild, purge, export (moto on loopback)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from ideogram_fake import FakeServer
from ideovault.catalog import Catalog
from ideovault.config import load_settings
from ideovault.vault import Vault
from ideovault.vault.sending import SendOptions
from tests.conftest import TEST_API_KEY


@pytest.fixture
def s3_vault(tmp_path: Path, fake: FakeServer, bucket: str) -> Iterator[Vault]:
    settings = load_settings(
        home=tmp_path / "home", storage_url=f"s3://{bucket}/team", env={}
    ).with_overrides(api_key=TEST_API_KEY, base_url=fake.base_url, retry_backoff=0.01)
    with Vault.open(settings=settings) as vault:
        yield vault


def test_generate_verify_rebuild_purge_on_s3(s3_vault: Vault, bucket: str, tmp_path: Path) -> None:
    a = s3_vault.generations.generate(
        "on s3", num_images=2, seed=1, options=SendOptions(tags=("cloud",))
    )
    (twin,) = s3_vault.generations.generate("on s3", seed=1)
    assert all(r.stored_uri and r.stored_uri.startswith(f"s3://{bucket}/team/images/") for r in a)
    assert a[0].local_path is None and twin.blob_key == a[0].blob_key
    head = boto3.client("s3").head_object(Bucket=bucket, Key=f"team/{twin.blob_key}")
    assert head["Metadata"]["seed"] == "1" and "ideogram" in head["Metadata"]["source"]
    assert s3_vault.upkeep.verify().ok
    url = f"sqlite:///{tmp_path / 'rebuilt.db'}"
    assert s3_vault.upkeep.rebuild(url).images == 3
    with Catalog.open(url) as rebuilt:
        assert rebuilt.images.get(a[1].id).tags == ("cloud",)
    s3_vault.upkeep.trash([a[0].id])
    assert s3_vault.upkeep.purge(everything=True).blobs_deleted == 0  # the twin still uses it
    assert s3_vault.context.store.exists(twin.blob_key or "")
    report = s3_vault.upkeep.export("cloud", tmp_path / "out")
    assert report.exported == 1
    assert s3_vault.upkeep.backfill().hashed == 0
    assert [m.record.id for m in s3_vault.images.similar(twin.id)] == [a[1].id]


def test_storage_down_mid_upload_leaves_pending_then_recover(
    s3_vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ideovault.blobs.s3 import S3BlobStore
    from ideovault.errors import IdeovaultError

    def down(self: S3BlobStore, path: Path, key: str, sha: str, meta: object = None) -> None:
        raise IdeovaultError("cannot reach the storage at http://127.0.0.1:1 while uploading")

    with monkeypatch.context() as patched:
        patched.setattr(S3BlobStore, "upload", down)
        (record,) = s3_vault.generations.generate("storage outage", seed=9)
    assert (
        record.status == "pending" and record.error and "cannot reach the storage" in record.error
    )
    report = s3_vault.upkeep.recover()
    assert [r.id for r in report.stored] == [record.id]
    assert s3_vault.upkeep.verify().ok


def test_signed_and_public_urls(s3_vault: Vault, vault: Vault) -> None:
    import httpx

    from ideovault.errors import UserError

    (record,) = s3_vault.generations.generate("share me", seed=3)
    link = s3_vault.images.url(record.id[:30], 600)
    with s3_vault.context.store.open(record.blob_key or "") as fh:
        assert httpx.get(link).content == fh.read()
    with pytest.raises(UserError, match="between 1 second and 7 days"):
        s3_vault.images.url(record.id, 0)
    (local,) = vault.generations.generate("local only", seed=4)
    with pytest.raises(UserError, match="cannot sign URLs"):
        vault.images.url(local.id)
    object.__setattr__(vault.context.settings, "public_base_url", "https://cdn.example.com/v")
    shown = vault.images.get(local.id)
    assert shown.public_url == f"https://cdn.example.com/v/{local.blob_key}"
    assert vault.images.url(local.id) == shown.public_url
