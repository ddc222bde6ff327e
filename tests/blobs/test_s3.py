"""The S3 backend against moto's S3 server on loopback: the same contract as the local store."""

from __future__ import annotations

import base64
import hashlib
import os
import socket
from concurrent.futures import ThreadPoolExecutor

import boto3
import httpx
import pytest
from botocore.exceptions import ClientError

from ideovault.blobs import open_store
from ideovault.blobs.s3 import S3BlobStore
from ideovault.errors import IdeovaultError, UserError

DATA = b"\x89PNG\r\n\x1a\n" + os.urandom(300_000)
SHA = hashlib.sha256(DATA).hexdigest()


def put(store: S3BlobStore, data: bytes = DATA):
    with store.stage() as staged:
        staged.write(data)
        return store.commit(staged, "png")


def test_round_trip_with_headers(s3_store: S3BlobStore, bucket: str) -> None:
    ref = put(s3_store)
    assert ref.key == f"images/{SHA[:2]}/{SHA[2:4]}/{SHA}.png" and not ref.existed
    assert ref.uri == f"s3://{bucket}/team/a/{ref.key}" and ref.local_path is None
    with s3_store.open(ref.key) as fh:
        assert fh.read() == DATA
    head = boto3.client("s3").head_object(Bucket=bucket, Key=f"team/a/{ref.key}")
    assert head["ContentType"] == "image/png"
    assert head["CacheControl"] == "public, max-age=31536000, immutable"
    assert head["Metadata"]["sha256"] == SHA
    assert list(s3_store.iter_keys()) == [ref.key]
    assert s3_store.exists(ref.key)
    s3_store.delete(ref.key)
    assert not s3_store.exists(ref.key) and list(s3_store.iter_keys()) == []


def test_identical_bytes_stored_once(s3_store: S3BlobStore) -> None:
    assert not put(s3_store).existed
    assert put(s3_store).existed
    assert len(list(s3_store.iter_keys())) == 1


def test_multipart_upload(s3_store: S3BlobStore) -> None:
    big = os.urandom(12 * 1024 * 1024)
    ref = put(s3_store, big)
    with s3_store.open(ref.key) as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == hashlib.sha256(big).hexdigest()


def test_uploads_carry_checksums_of_the_staged_bytes(s3_store: S3BlobStore) -> None:
    """moto accepts any checksum, so check what we send; real S3 and MinIO verify it."""
    sent: list[dict[str, str]] = []
    s3_store.s3.meta.events.register(
        "before-send.s3.PutObject", lambda request, **_: sent.append(dict(request.headers))
    )
    put(s3_store)
    headers = {k.lower(): (v.decode() if isinstance(v, bytes) else v) for k, v in sent[0].items()}
    assert base64.b64decode(headers["x-amz-checksum-sha256"]).hex() == SHA
    assert base64.b64decode(headers["content-md5"]) == hashlib.md5(DATA).digest()


@pytest.mark.parametrize("code", ["InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied"])
def test_rejected_credentials_become_a_clear_error(s3_store: S3BlobStore, code: str) -> None:
    """moto accepts any credentials unless its IAM emulation is on; check the mapping."""
    error = ClientError({"Error": {"Code": code, "Message": "x"}}, "PutObject")
    with pytest.raises(UserError, match="AWS_ACCESS_KEY_ID") as info, s3_store._errors("up"):
        raise error
    assert "testing" not in str(info.value)  # never the secret


def test_a_rejected_checksum_becomes_a_clear_error(s3_store: S3BlobStore) -> None:
    error = ClientError({"Error": {"Code": "BadDigest", "Message": "x"}}, "PutObject")
    with pytest.raises(IdeovaultError, match="checksum did not match"), s3_store._errors("up"):
        raise error


def test_sidecars_keep_concurrent_writers(s3_store: S3BlobStore) -> None:
    ref = put(s3_store)
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: s3_store.upsert_sidecar(ref.key, f"r{i}", {"n": i}), range(16)))
    doc = s3_store.read_sidecar(ref.key)
    assert doc is not None and set(doc["records"]) == {f"r{i}" for i in range(16)}
    assert s3_store.remove_from_sidecar(ref.key, "r0") == 15


def test_signed_url_serves_the_bytes(s3_store: S3BlobStore) -> None:
    ref = put(s3_store)
    url = s3_store.signed_url(ref.key, 3600)
    assert url is not None and "Signature" in url
    assert httpx.get(url or "").content == DATA


def test_missing_bucket_is_a_clear_error(s3_env: str) -> None:
    store = S3BlobStore("no-such-bucket-here")
    with pytest.raises(UserError, match="does not exist"):
        put(store)


def test_server_down_is_a_clear_error(s3_env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
    store = S3BlobStore("vault-down")
    with pytest.raises(IdeovaultError, match="cannot reach the storage"):
        put(store)


def test_open_store_by_url(bucket: str) -> None:
    store = open_store(f"s3://{bucket}/some/prefix")
    assert isinstance(store, S3BlobStore) and store.prefix == "some/prefix/"
    with pytest.raises(UserError):
        open_store("s3:///nobucket")
    with pytest.raises(UserError, match="at least 3"):
        open_store("s3://ab/x")
