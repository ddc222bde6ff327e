"""Where image bytes live. ``open_store`` picks the backend from the storage URL."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

from ideovault.blobs.base import EXTENSIONS, BlobRef, BlobStore, Staged, key_for, sidecar_key
from ideovault.blobs.local import LocalBlobStore
from ideovault.errors import UserError, needs_extra

__all__ = [
    "EXTENSIONS",
    "BlobRef",
    "BlobStore",
    "LocalBlobStore",
    "Staged",
    "key_for",
    "open_store",
    "sidecar_key",
]


def open_store(url: str | Path) -> BlobStore:
    """A store for ``file:///path``, a plain path, (later) ``s3://`` or ``gs://``."""
    text = str(url)
    parsed = urlparse(text)
    if parsed.scheme == "file":
        return LocalBlobStore(unquote(parsed.path))
    if parsed.scheme == "s3":
        if not parsed.netloc:
            raise UserError(f"{text!r}: an S3 URL names a bucket: s3://bucket/prefix")
        with needs_extra("s3", "an s3:// storage URL"):  # boto3 loads only for S3 vaults
            from ideovault.blobs.s3 import S3BlobStore
        return S3BlobStore(parsed.netloc, parsed.path)
    if parsed.scheme == "gs":
        from ideovault.blobs.gcs import GCSBlobStore

        if not parsed.netloc:
            raise UserError(f"{text!r}: a GCS URL names a bucket: gs://bucket/prefix")
        # google-cloud-storage loads only here, when the store connects
        with needs_extra("gcs", "a gs:// storage URL"):
            return GCSBlobStore(parsed.netloc, parsed.path)
    if parsed.scheme in ("", "local") or (len(parsed.scheme) == 1 and text[1:3] == ":\\"):
        return LocalBlobStore(text)
    raise UserError(
        f"storage URL scheme {parsed.scheme!r} is not supported; "
        "use a folder, file:///path, s3://bucket/prefix or gs://bucket/prefix"
    )
