"""The GCS backend, offline: no GCS server runs here, so test what needs none."""

from __future__ import annotations

import pytest

from ideovault.blobs import open_store
from ideovault.blobs.gcs import GCSBlobStore
from ideovault.errors import UserError


@pytest.fixture
def no_google_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    for name in ("GOOGLE_APPLICATION_CREDENTIALS", "GOOGLE_CLOUD_PROJECT", "GCLOUD_PROJECT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path / "gcloud"))  # no gcloud login either
    monkeypatch.setenv("HOME", str(tmp_path))


def test_missing_credentials_is_a_clear_error(no_google_credentials: None) -> None:
    with pytest.raises(UserError, match="GOOGLE_APPLICATION_CREDENTIALS"):
        open_store("gs://team-bucket/ideovault")


def test_urls_and_keys_with_an_anonymous_client() -> None:
    from google.cloud import storage

    client = storage.Client.create_anonymous_client()
    store = GCSBlobStore("team-bucket", "/ideovault/", client=client)
    key = "images/ab/cd/" + "ab" * 32 + ".png"
    assert store.url == "gs://team-bucket/ideovault"
    assert store.uri(key) == f"gs://team-bucket/ideovault/{key}"
    assert store.local_path(key) is None
    assert store._blob(key).name == f"ideovault/{key}"
    for bad in ("../x", "/abs", ""):
        with pytest.raises(ValueError):
            store._blob(bad)
    with pytest.raises(UserError):
        open_store("gs:///no-bucket")
