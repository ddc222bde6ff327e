"""The foundation's contract on GCS: generate, verify, rebuild, purge, export (the emulator)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ideogram_fake import FakeServer
from ideovault.catalog import Catalog
from ideovault.config import load_settings
from ideovault.vault import Vault
from ideovault.vault.sending import SendOptions
from tests.conftest import TEST_API_KEY


@pytest.fixture
def gcs_vault(tmp_path: Path, fake: FakeServer, gcs_bucket: str) -> Iterator[Vault]:
    settings = load_settings(
        home=tmp_path / "home", storage_url=f"gs://{gcs_bucket}/team", env={}
    ).with_overrides(api_key=TEST_API_KEY, base_url=fake.base_url, retry_backoff=0.01)
    with Vault.open(settings=settings) as vault:
        yield vault


def test_generate_verify_rebuild_purge_on_gcs(
    gcs_vault: Vault, gcs_bucket: str, tmp_path: Path
) -> None:
    a = gcs_vault.generations.generate(
        "on gcs", num_images=2, seed=1, options=SendOptions(tags=("cloud",))
    )
    (twin,) = gcs_vault.generations.generate("on gcs", seed=1)
    assert all(r.stored_uri and r.stored_uri.startswith(f"gs://{gcs_bucket}/team/images/")
               for r in a)  # fmt: skip
    assert a[0].local_path is None and twin.blob_key == a[0].blob_key
    blob = gcs_vault.context.store.bucket.get_blob(f"team/{twin.blob_key}")  # type: ignore[attr-defined]
    assert blob.metadata["seed"] == "1" and blob.metadata["sha256"] == twin.sha256
    assert gcs_vault.upkeep.verify().ok
    url = f"sqlite:///{tmp_path / 'rebuilt.db'}"
    assert gcs_vault.upkeep.rebuild(url).images == 3
    with Catalog.open(url) as rebuilt:
        assert rebuilt.images.get(a[1].id).tags == ("cloud",)
    gcs_vault.upkeep.trash([a[0].id])
    assert gcs_vault.upkeep.purge(everything=True).blobs_deleted == 0  # the twin still uses it
    assert gcs_vault.context.store.exists(twin.blob_key or "")
    assert gcs_vault.upkeep.export("cloud", tmp_path / "out").exported == 1
    gcs_vault.upkeep.trash([twin.id, a[1].id])
    purged = gcs_vault.upkeep.purge(everything=True)
    assert purged.blobs_deleted == 2 and list(gcs_vault.context.store.iter_keys()) == []
    assert gcs_vault.upkeep.verify().ok
