"""Blobs in S3 or any S3-compatible store (MinIO, R2, Backblaze, Wasabi, Ceph), via boto3.

Why boto3: it is the reference S3 client, reads credentials, region and ``AWS_ENDPOINT_URL``
the standard AWS way, does multipart uploads and presigned URLs, and exposes S3's conditional
writes — which the sidecars need so that two writers sharing a blob do not lose each other's
record.

Uploads carry ``Content-MD5`` and ``x-amz-checksum-sha256`` so the server rejects a body that
does not match what was hashed while downloading; a PUT is atomic, so a blob appears whole or
not at all. Objects get ``Content-Type``, ``Cache-Control: public, max-age=31536000, immutable``
and their sha256 as metadata. Bytes are staged in a local temp folder first.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, cast

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError

from ideovault.blobs.base import (
    EXTENSIONS,
    BlobRef,
    BlobStore,
    Staged,
    check_key,
    key_for,
    sidecar_key,
)
from ideovault.errors import IdeovaultError, UserError

CACHE_CONTROL = "public, max-age=31536000, immutable"
MIME = {ext: mime for mime, ext in EXTENSIONS.items()}
MULTIPART_THRESHOLD = 8 * 1024 * 1024
_SIDECAR_VERSION = 1


def _b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode("ascii")


class S3BlobStore(BlobStore):
    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        *,
        client: Any = None,
        multipart_threshold: int = MULTIPART_THRESHOLD,
    ) -> None:
        if len(bucket) < 3:
            raise UserError(f"S3 bucket names have at least 3 characters, not {bucket!r}")
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.url = f"s3://{bucket}/{self.prefix}".rstrip("/")
        self.s3: Any = client or boto3.client(
            "s3", config=Config(retries={"max_attempts": 5, "mode": "standard"})
        )
        self.transfer = TransferConfig(multipart_threshold=multipart_threshold)
        self.stage_in_temp()

    # -- errors ------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _errors(self, what: str) -> Iterator[None]:
        """Turn the client's errors into messages that say what to check, never the secret."""
        try:
            yield
        except EndpointConnectionError:
            endpoint = self.s3.meta.endpoint_url
            raise IdeovaultError(
                f"cannot reach the storage at {endpoint} while {what}; is it running, and is "
                "AWS_ENDPOINT_URL right?"
            ) from None
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code == "NoSuchBucket":
                raise UserError(
                    f"bucket {self.bucket!r} does not exist at {self.s3.meta.endpoint_url}; "
                    "create it or fix IDEOVAULT_STORAGE_URL"
                ) from None
            if code in ("InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "403"):
                raise UserError(
                    f"the storage rejected the credentials for {self.url} ({code}) while {what}; "
                    "check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the bucket policy"
                ) from None
            if code in ("BadDigest", "InvalidDigest", "XAmzContentChecksumMismatch"):
                raise IdeovaultError(
                    f"the storage rejected the upload: its checksum did not match ({what})"
                ) from None
            raise IdeovaultError(f"storage error while {what}: {code or exc}") from None
        except BotoCoreError as exc:
            raise IdeovaultError(f"storage error while {what}: {exc}") from None

    def _full(self, key: str) -> str:
        return self.prefix + check_key(key)

    # -- writing -----------------------------------------------------------------------------

    def commit(self, staged: Staged, ext: str, metadata: dict[str, str] | None = None) -> BlobRef:
        if not staged.closed:
            staged.finish()
        key = key_for(staged.sha256, ext)
        if staged.size >= self.transfer.multipart_threshold:
            with self._errors(f"checking {key}"):
                head = self._head(key)
            if head is not None and head.get("ContentLength") == staged.size:
                return BlobRef(key, self.uri(key), None, staged.size, existed=True)
        existed = not self.upload(staged.path, key, staged.sha256, metadata)
        return BlobRef(key, self.uri(key), None, staged.size, existed=existed)

    def upload(
        self, path: Path, key: str, sha256_hex: str, metadata: dict[str, str] | None = None
    ) -> bool:
        """PUT with checksums the server verifies; large files go up in parts.

        Single PUTs are create-only (``If-None-Match: *``): identical bytes already stored
        answer 412 and are kept, which is content-addressed dedupe in one round trip.
        Returns whether the object was written.
        """
        extra = {
            "ContentType": MIME.get(key.rsplit(".", 1)[-1], "application/octet-stream"),
            "CacheControl": CACHE_CONTROL,
            "Metadata": {**(metadata or {}), "sha256": sha256_hex},
        }
        size = path.stat().st_size
        with self._errors(f"uploading {key}"):
            if size < self.transfer.multipart_threshold:
                body = path.read_bytes()
                try:
                    self.s3.put_object(
                        Bucket=self.bucket, Key=self._full(key), Body=body, IfNoneMatch="*",
                        ContentMD5=_b64(hashlib.md5(body).digest()),  # noqa: S324 - integrity
                        ChecksumSHA256=_b64(bytes.fromhex(sha256_hex)), **extra,
                    )  # fmt: skip
                except ClientError as exc:
                    if str(exc.response.get("Error", {}).get("Code")) in (
                        "PreconditionFailed",
                        "412",
                    ):
                        return False
                    raise
            else:  # each part carries its own SHA-256, verified by the server
                self.s3.upload_file(
                    str(path), self.bucket, self._full(key), Config=self.transfer,
                    ExtraArgs={**extra, "ChecksumAlgorithm": "SHA256"},
                )  # fmt: skip
        return True

    def delete(self, key: str) -> None:
        with self._errors(f"deleting {key}"):
            self.s3.delete_object(Bucket=self.bucket, Key=self._full(key))
            self.s3.delete_object(Bucket=self.bucket, Key=self._full(sidecar_key(key)))

    # -- reading -----------------------------------------------------------------------------

    def _head(self, key: str) -> dict[str, Any] | None:
        try:
            return cast(
                dict[str, Any], self.s3.head_object(Bucket=self.bucket, Key=self._full(key))
            )
        except ClientError as exc:
            if str(exc.response.get("Error", {}).get("Code")) in ("404", "NoSuchKey", "NotFound"):
                return None
            raise

    def exists(self, key: str) -> bool:
        with self._errors(f"checking {key}"):
            return self._head(key) is not None

    def open(self, key: str) -> BinaryIO:
        with self._errors(f"reading {key}"):
            body = self.s3.get_object(Bucket=self.bucket, Key=self._full(key))["Body"]
        return cast(BinaryIO, body)  # streams; never the whole object in memory

    def uri(self, key: str) -> str:
        return f"s3://{self.bucket}/{self._full(key)}"

    def local_path(self, key: str) -> Path | None:
        return None

    def signed_url(self, key: str, expires_seconds: int) -> str | None:
        with self._errors(f"signing {key}"):
            return cast(str, self.s3.generate_presigned_url(
                "get_object", Params={"Bucket": self.bucket, "Key": self._full(key)},
                ExpiresIn=expires_seconds,
            ))  # fmt: skip

    def iter_keys(self) -> Iterator[str]:
        suffixes = tuple("." + e for e in EXTENSIONS.values())
        paginator = self.s3.get_paginator("list_objects_v2")
        with self._errors("listing blobs"):
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix + "images/"):
                for item in page.get("Contents", []):
                    if item["Key"].endswith(suffixes):
                        yield item["Key"][len(self.prefix) :]

    # -- sidecars ----------------------------------------------------------------------------

    def _read_sidecar(self, key: str) -> tuple[dict[str, Any] | None, str | None]:
        try:
            obj = self.s3.get_object(Bucket=self.bucket, Key=self._full(sidecar_key(key)))
        except ClientError as exc:
            if str(exc.response.get("Error", {}).get("Code")) in ("404", "NoSuchKey"):
                return None, None
            raise
        try:
            data = json.loads(obj["Body"].read())
        except ValueError:
            return None, obj.get("ETag")
        return (data if isinstance(data, dict) else None), obj.get("ETag")

    def read_sidecar(self, key: str) -> dict[str, Any] | None:
        with self._errors(f"reading the sidecar of {key}"):
            return self._read_sidecar(key)[0]

    def _update_sidecar(self, key: str, change: Any) -> int:
        """Read-modify-write with a conditional PUT, retried when another writer got there."""
        for _ in range(20):
            with self._errors(f"updating the sidecar of {key}"):
                doc, etag = self._read_sidecar(key)
                records = dict((doc or {}).get("records") or {})
                change(records)
                body = json.dumps(
                    {"version": _SIDECAR_VERSION, "key": key, "records": records},
                    ensure_ascii=False, sort_keys=True,
                ).encode("utf-8")  # fmt: skip
                condition = {"IfMatch": etag} if etag else {"IfNoneMatch": "*"}
                try:
                    self.s3.put_object(
                        Bucket=self.bucket, Key=self._full(sidecar_key(key)), Body=body,
                        ContentType="application/json", **condition,
                    )  # fmt: skip
                    return len(records)
                except ClientError as exc:
                    code = str(exc.response.get("Error", {}).get("Code"))
                    if code not in ("PreconditionFailed", "412", "ConditionalRequestConflict"):
                        raise
        raise IdeovaultError(f"the sidecar of {key} kept changing under us; try again")

    def upsert_sidecar(self, key: str, record_id: str, record: dict[str, Any]) -> None:
        self._update_sidecar(key, lambda records: records.__setitem__(record_id, record))

    def remove_from_sidecar(self, key: str, record_id: str) -> int:
        return self._update_sidecar(key, lambda records: records.pop(record_id, None))
