"""The GCS backend against gcp-storage-emulator on loopback: the same contract as S3's suite.

The emulator stores objects, metadata and generations and serves streamed reads and signed
URLs, but it does not enforce preconditions (``ifGenerationMatch``) nor verify checksums, so,
as with moto for S3, the tests check what the store sends for those and what it gets back for
everything else.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from ideovault.blobs import open_store
from ideovault.blobs.base import key_for, sidecar_key
from ideovault.blobs.gcs import GCSBlobStore
from ideovault.errors import IdeovaultError, UserError

DATA = b"\x89PNG\r\n\x1a\n" + os.urandom(300_000)
SHA = hashlib.sha256(DATA).hexdigest()


@pytest.fixture
def gcs_store(gcs_bucket: str) -> GCSBlobStore:
    store = open_store(f"gs://{gcs_bucket}/team/a")
    assert isinstance(store, GCSBlobStore)
    return store


@pytest.fixture
def wire(gcs_store: GCSBlobStore) -> Iterator[list[tuple[str, dict[str, list[str]], bytes]]]:
    """Every request the store's client sends: method, query parameters, body."""
    sent: list[tuple[str, dict[str, list[str]], bytes]] = []

    def record(response: Any, *args: Any, **kwargs: Any) -> None:
        request = response.request
        body = request.body if isinstance(request.body, bytes) else b""
        sent.append((request.method, parse_qs(urlsplit(request.url).query), body))

    gcs_store.client._http.hooks["response"].append(record)
    yield sent


def put(store: GCSBlobStore, data: bytes = DATA, metadata: dict[str, str] | None = None) -> Any:
    with store.stage() as staged:
        staged.write(data)
        return store.commit(staged, "png", metadata)


def test_round_trip(gcs_store: GCSBlobStore, gcs_bucket: str) -> None:
    ref = put(gcs_store)
    assert ref.key == f"images/{SHA[:2]}/{SHA[2:4]}/{SHA}.png" and not ref.existed
    assert ref.uri == f"gs://{gcs_bucket}/team/a/{ref.key}" and ref.local_path is None
    with gcs_store.open(ref.key) as fh:
        assert fh.read() == DATA
    assert gcs_store.exists(ref.key) and list(gcs_store.iter_keys()) == [ref.key]
    gcs_store.upsert_sidecar(ref.key, "r1", {"n": 1})
    gcs_store.delete(ref.key)  # the blob and its sidecar
    assert not gcs_store.exists(ref.key) and list(gcs_store.iter_keys()) == []
    assert gcs_store.read_sidecar(ref.key) is None
    gcs_store.delete(ref.key)  # deleting what is gone is fine


def test_uploads_are_create_only_and_checksummed(gcs_store: GCSBlobStore, wire: list) -> None:
    """Identical bytes are stored once by ``ifGenerationMatch=0``; the emulator does not enforce
    preconditions, so check that every upload asks for it and carries the bytes' MD5."""
    put(gcs_store, metadata={"seed": "7"})
    uploads = [(query, body) for method, query, body in wire if "uploadType" in query]
    assert uploads and all(query["ifGenerationMatch"] == ["0"] for query, _ in uploads)
    body = uploads[0][1]
    md5 = base64.b64encode(hashlib.md5(DATA).digest()).decode()
    assert f'"md5Hash": "{md5}"'.encode() in body and b'"sha256": "' + SHA.encode() in body
    assert b'"seed": "7"' in body and b"immutable" in body


def test_large_files_go_up_resumably_with_their_metadata(gcs_store: GCSBlobStore) -> None:
    big = os.urandom(12 * 1024 * 1024)
    ref = put(gcs_store, big, {"seed": "3"})
    blob = gcs_store.bucket.get_blob(gcs_store.prefix + ref.key)
    assert blob.size == len(big) and blob.content_type == "image/png"
    assert blob.metadata == {"seed": "3", "sha256": hashlib.sha256(big).hexdigest()}
    assert blob.cache_control == "public, max-age=31536000, immutable"
    digest, size = hashlib.sha256(), 0
    with gcs_store.open(ref.key) as fh:  # streamed: read in pieces, never the whole at once
        while piece := fh.read(1 << 20):
            digest.update(piece)
            size += len(piece)
    assert size == len(big) and digest.hexdigest() == hashlib.sha256(big).hexdigest()


def test_sidecars_are_written_against_the_generation_they_read(
    gcs_store: GCSBlobStore, wire: list
) -> None:
    ref = put(gcs_store)
    for i in range(5):
        gcs_store.upsert_sidecar(ref.key, f"r{i}", {"n": i})
    doc = gcs_store.read_sidecar(ref.key)
    assert doc is not None and set(doc["records"]) == {f"r{i}" for i in range(5)}
    assert doc["records"]["r3"] == {"n": 3} and doc["key"] == ref.key
    assert gcs_store.remove_from_sidecar(ref.key, "r0") == 4
    asked = [q["ifGenerationMatch"][0] for m, q, _ in wire if "uploadType" in q][1:]
    assert len(asked) == 6 and asked[0] == "0"  # the first only while the sidecar is absent
    # Every later write names the generation the store had just read, each a new one.
    assert all(a != "0" for a in asked[1:]) and len(set(asked)) == 6
    final = gcs_store.bucket.get_blob(gcs_store._blob(sidecar_key(ref.key)).name)
    assert int(asked[-1]) < final.generation


def test_a_damaged_sidecar_reads_as_none(gcs_store: GCSBlobStore) -> None:
    ref = put(gcs_store)
    gcs_store._blob(sidecar_key(ref.key)).upload_from_string(b"{not json")
    assert gcs_store.read_sidecar(ref.key) is None
    gcs_store.upsert_sidecar(ref.key, "r1", {"n": 1})  # and is replaced by the next write
    assert gcs_store.read_sidecar(ref.key) == {"version": 1, "key": ref.key,
                                               "records": {"r1": {"n": 1}}}  # fmt: skip


def test_signed_url_serves_the_bytes(gcs_bucket: str) -> None:
    """Signing needs a private key: a service account made here (signing is local)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from google.cloud import storage
    from google.oauth2 import service_account

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()  # fmt: skip
    credentials = service_account.Credentials.from_service_account_info({
        "type": "service_account", "client_email": "vault@test.iam.gserviceaccount.com",
        "private_key": pem, "token_uri": "https://oauth2.googleapis.com/token",
        "project_id": "test",
    })  # fmt: skip
    ref = put(GCSBlobStore(gcs_bucket, "team", client=storage.Client()))  # the emulator's
    signer = GCSBlobStore(gcs_bucket, "team", client=storage.Client("test", credentials))
    url = signer.signed_url(ref.key, 3600)
    assert url is not None and "X-Goog-Signature=" in url and "X-Goog-Expires=3600" in url
    assert httpx.get(url).content == DATA


def test_signing_without_a_private_key_is_a_clear_error(gcs_store: GCSBlobStore) -> None:
    ref = put(gcs_store)
    with pytest.raises(UserError, match="service account"):
        gcs_store.signed_url(ref.key, 60)


def test_missing_bucket_is_a_clear_error(gcs_endpoint: str, gcs_bucket: str) -> None:
    store = open_store("gs://no-such-bucket-here/x")
    with pytest.raises(UserError, match="not found"):
        put(store)


def test_server_down_is_a_clear_error(gcs_bucket: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    from google.cloud import storage

    monkeypatch.setenv("STORAGE_EMULATOR_HOST", f"http://127.0.0.1:{port}")
    store = GCSBlobStore(gcs_bucket, "x", client=storage.Client(), retry_seconds=0.5)
    with pytest.raises(IdeovaultError, match="cannot reach Google Cloud Storage"):
        put(store)
    with pytest.raises(IdeovaultError, match="cannot reach Google Cloud Storage"):
        store.read_sidecar(key_for(SHA, "png"))


def test_sidecar_json_is_what_rebuild_reads(gcs_store: GCSBlobStore) -> None:
    ref = put(gcs_store)
    gcs_store.upsert_sidecar(ref.key, "rec", {"prompt": "<b>fox</b> \u2603"})
    raw = gcs_store._blob(sidecar_key(ref.key)).download_as_bytes()
    assert json.loads(raw)["records"]["rec"]["prompt"] == "<b>fox</b> \u2603"
