"""Blobs in Google Cloud Storage, via Google's own client (google-cloud-storage).

boto3 only reaches GCS through its S3-interoperability API with HMAC keys; the official client
uses the standard Google credentials (Application Default Credentials) and gives the same
things the S3 backend relies on: checksummed, atomic uploads (resumable for large files),
streaming reads, preconditions on object generations for the sidecars, and signed URLs.
Objects get the same Content-Type, immutable Cache-Control and sha256 metadata as on S3.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, BinaryIO, cast

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


class GCSBlobStore(BlobStore):
    def __init__(
        self, bucket: str, prefix: str = "", *, client: Any = None, retry_seconds: float = 120.0
    ) -> None:
        """``retry_seconds``: how long Google's client keeps retrying a call that failed on the
        way (connection refused, 5xx, 429) before the store reports it; its default is 120 s."""
        from google.cloud.storage.retry import DEFAULT_RETRY

        self.retry: Any = DEFAULT_RETRY.with_timeout(retry_seconds)
        self.bucket_name = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.url = f"gs://{bucket}/{self.prefix}".rstrip("/")
        with self._errors("connecting"):
            if client is None:
                from google.cloud import storage

                client = storage.Client()
            self.client: Any = client
            self.bucket: Any = client.bucket(bucket)
        self.stage_in_temp()

    @contextlib.contextmanager
    def _errors(self, what: str) -> Iterator[None]:
        from google.api_core import exceptions as gexc
        from google.auth.exceptions import DefaultCredentialsError
        from requests.exceptions import ConnectionError as RequestsConnectionError

        try:
            yield
        except DefaultCredentialsError:
            raise UserError(
                f"no Google credentials for {self.url}: set GOOGLE_APPLICATION_CREDENTIALS or run "
                "`gcloud auth application-default login`"
            ) from None
        except gexc.NotFound as exc:
            raise UserError(f"{self.url}: not found while {what} ({exc.message})") from None
        except (gexc.Forbidden, gexc.Unauthorized) as exc:
            raise UserError(
                f"Google Cloud Storage refused the credentials for {self.url} while {what} "
                f"({exc.code}); check the service account's roles on the bucket"
            ) from None
        except RequestsConnectionError:
            raise IdeovaultError(f"cannot reach Google Cloud Storage while {what}") from None
        except gexc.RetryError as exc:  # retried until the deadline: say what kept failing
            if isinstance(exc.cause, RequestsConnectionError):
                raise IdeovaultError(f"cannot reach Google Cloud Storage while {what}") from None
            raise IdeovaultError(f"Google Cloud Storage kept failing while {what}") from None
        except gexc.GoogleAPIError as exc:
            raise IdeovaultError(f"Google Cloud Storage error while {what}: {exc}") from None

    def _blob(self, key: str) -> Any:
        return self.bucket.blob(self.prefix + check_key(key))

    def commit(self, staged: Staged, ext: str, metadata: dict[str, str] | None = None) -> BlobRef:
        from google.api_core.exceptions import PreconditionFailed

        if not staged.closed:
            staged.finish()
        key = key_for(staged.sha256, ext)
        blob = self._blob(key)
        blob.cache_control = CACHE_CONTROL
        blob.metadata = {**(metadata or {}), "sha256": staged.sha256}
        with self._errors(f"uploading {key}"):
            try:  # if_generation_match=0: create only; identical bytes already there win
                blob.upload_from_filename(
                    str(staged.path), content_type=MIME[ext], checksum="md5", if_generation_match=0,
                    retry=self.retry,
                )  # fmt: skip
            except PreconditionFailed:
                return BlobRef(key, self.uri(key), None, staged.size, existed=True)
        return BlobRef(key, self.uri(key), None, staged.size, existed=False)

    def exists(self, key: str) -> bool:
        with self._errors(f"checking {key}"):
            return bool(self._blob(key).exists(retry=self.retry))

    def open(self, key: str) -> BinaryIO:
        with self._errors(f"reading {key}"):
            return cast(BinaryIO, self._blob(key).open("rb", retry=self.retry))

    def delete(self, key: str) -> None:
        from google.api_core.exceptions import NotFound

        for name in (key, sidecar_key(key)):
            # suppress inside _errors: a missing object is fine, not "not found" as a UserError
            with self._errors(f"deleting {name}"), contextlib.suppress(NotFound):
                self._blob(name).delete(retry=self.retry)

    def uri(self, key: str) -> str:
        return f"gs://{self.bucket_name}/{self.prefix}{key}"

    def local_path(self, key: str) -> Path | None:
        return None

    def signed_url(self, key: str, expires_seconds: int) -> str | None:
        with self._errors(f"signing {key}"):
            try:
                return cast(str, self._blob(key).generate_signed_url(
                    version="v4", expiration=timedelta(seconds=expires_seconds), method="GET"
                ))  # fmt: skip
            except AttributeError:  # google-auth's way of saying the credentials cannot sign
                raise UserError(
                    f"signing URLs for {self.url} needs a service account key "
                    "(GOOGLE_APPLICATION_CREDENTIALS naming its JSON file); the credentials in "
                    "use hold only a token"
                ) from None

    def iter_keys(self) -> Iterator[str]:
        suffixes = tuple("." + e for e in EXTENSIONS.values())
        with self._errors("listing blobs"):
            listing = self.client.list_blobs(
                self.bucket_name, prefix=self.prefix + "images/", retry=self.retry
            )
            for item in listing:
                if item.name.endswith(suffixes):
                    yield item.name[len(self.prefix) :]

    def read_sidecar(self, key: str) -> dict[str, Any] | None:
        return self._read(key)[0]

    def _read(self, key: str) -> tuple[dict[str, Any] | None, int]:
        """The sidecar and the generation it was read at (0: absent). The generation comes from
        the object's metadata and the download is pinned to it, so the pair always belongs
        together, whether or not the server reports the generation on downloads."""
        from google.api_core.exceptions import NotFound, PreconditionFailed

        name = self._blob(sidecar_key(key)).name
        for _ in range(20):
            with self._errors(f"reading the sidecar of {key}"):
                blob = self.bucket.get_blob(name, retry=self.retry)
                if blob is None:
                    return None, 0
                generation = int(blob.generation or 0)
                try:
                    data = blob.download_as_bytes(if_generation_match=generation, retry=self.retry)
                except (NotFound, PreconditionFailed):
                    continue  # replaced or removed between the two calls: look again
            try:
                doc = json.loads(data)
            except ValueError:
                return None, generation
            return (doc if isinstance(doc, dict) else None), generation
        raise IdeovaultError(f"the sidecar of {key} kept changing under us; try again")

    def _update(self, key: str, change: Any) -> int:
        from google.api_core.exceptions import PreconditionFailed

        for _ in range(20):
            doc, generation = self._read(key)
            records = dict((doc or {}).get("records") or {})
            change(records)
            body = json.dumps({"version": 1, "key": key, "records": records}, sort_keys=True)
            with self._errors(f"updating the sidecar of {key}"):
                try:  # only if nobody changed it since we read it (0: only if still absent)
                    self._blob(sidecar_key(key)).upload_from_string(
                        body, content_type="application/json", if_generation_match=generation,
                        retry=self.retry,
                    )  # fmt: skip
                    return len(records)
                except PreconditionFailed:
                    continue
        raise IdeovaultError(f"the sidecar of {key} kept changing under us; try again")

    def upsert_sidecar(self, key: str, record_id: str, record: dict[str, Any]) -> None:
        self._update(key, lambda records: records.__setitem__(record_id, record))

    def remove_from_sidecar(self, key: str, record_id: str) -> int:
        return self._update(key, lambda records: records.pop(record_id, None))
