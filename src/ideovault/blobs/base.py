"""What every blob store offers: content-addressed, atomically visible bytes plus sidecars.

The vault streams a download into a :class:`Staged` blob (hashing as it goes), checks it, then
``commit``s it under its sha256 key. A store never sees the catalog: the sidecar it keeps beside
each blob is an opaque JSON document the vault hands it (the records that point at the blob), so
that a lost catalog can be rebuilt from the store alone.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}


def key_for(sha256: str, ext: str) -> str:
    """``images/ab/cd/<sha256>.<ext>``: two levels of fan-out keep folders small at 1M images."""
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError(f"not a sha256 hex digest: {sha256!r}")
    if ext not in EXTENSIONS.values():
        raise ValueError(f"unsupported extension {ext!r}")
    return f"images/{sha256[:2]}/{sha256[2:4]}/{sha256}.{ext}"


def check_key(key: str) -> str:
    """Keys come from our own ``key_for``; refuse anything that could escape a root or prefix."""
    parts = key.split("/")
    if (
        not key
        or key.startswith("/")
        or "\\" in key
        or "\x00" in key
        or any(p in ("", ".", "..") for p in parts)
    ):
        raise ValueError(f"invalid blob key: {key!r}")
    return key


def sidecar_key(key: str) -> str:
    return key.rsplit(".", 1)[0] + ".json"


@dataclass(frozen=True)
class BlobRef:
    """Where committed bytes live. ``existed`` is true when identical bytes were already there."""

    key: str
    uri: str
    local_path: Path | None
    size: int
    existed: bool


class Staged:
    """Bytes on their way into the store: written to a temp file while being hashed."""

    def __init__(self, path: Path, fh: BinaryIO, *, sync: bool = True) -> None:
        self.path = path
        self._fh = fh
        self._sync = sync  # object stores make bytes durable with the PUT, not with fsync
        self._hash = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self._fh.write(data)
        self._hash.update(data)
        self.size += len(data)

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    def finish(self) -> None:
        """Flush and (for local stores) fsync, so what is committed is on disk, not in a cache."""
        self._fh.flush()
        if self._sync:
            os.fsync(self._fh.fileno())
        self._fh.close()

    @property
    def closed(self) -> bool:
        return self._fh.closed


class BlobStore(ABC):
    """A place for image bytes. Implementations: ``blobs/local.py``, ``s3.py``, ``gcs.py``."""

    url: str
    staging_dir: Path  # where staged bytes wait: inside a local root, or a temp folder
    durable_staging: bool = True  # fsync staged files (local stores); object stores need not

    def stage_in_temp(self) -> None:
        """Object stores stage in the machine's temp folder, without fsync: the checksummed
        upload, not the local file, is what makes the bytes durable."""
        self.staging_dir = Path(tempfile.gettempdir()) / "ideovault-staging"
        self.staging_dir.mkdir(exist_ok=True)
        self.durable_staging = False

    @contextlib.contextmanager
    def stage(self) -> Iterator[Staged]:
        """A temp file to write into; removed on exit unless it was committed."""
        fd, name = tempfile.mkstemp(prefix="dl-", suffix=".part", dir=self.staging_dir)
        path = Path(name)
        staged = Staged(path, os.fdopen(fd, "wb"), sync=self.durable_staging)
        try:
            yield staged
        finally:
            if not staged.closed:
                staged._fh.close()
            path.unlink(missing_ok=True)  # committed files were renamed or uploaded already

    @abstractmethod
    def commit(self, staged: Staged, ext: str, metadata: dict[str, str] | None = None) -> BlobRef:
        """Make the staged bytes visible, whole, under their content key (idempotent).

        ``metadata`` (e.g. seed, source) travels with the object where the store keeps any.
        """

    @abstractmethod
    def exists(self, key: str) -> bool: ...

    @abstractmethod
    def open(self, key: str) -> BinaryIO: ...

    @abstractmethod
    def delete(self, key: str) -> None: ...

    @abstractmethod
    def uri(self, key: str) -> str: ...

    @abstractmethod
    def local_path(self, key: str) -> Path | None:
        """The file on this machine, for stores that have one."""

    def signed_url(self, key: str, expires_seconds: int) -> str | None:
        """A time-limited URL for the blob, for stores that can make one (None: cannot)."""
        return None

    @abstractmethod
    def iter_keys(self) -> Iterator[str]:
        """Every blob key (not sidecars) in the store."""

    @abstractmethod
    def read_sidecar(self, key: str) -> dict[str, Any] | None: ...

    @abstractmethod
    def upsert_sidecar(self, key: str, record_id: str, record: dict[str, Any]) -> None:
        """Put one record into the blob's sidecar, keeping the records of others sharing it."""

    @abstractmethod
    def remove_from_sidecar(self, key: str, record_id: str) -> int:
        """Drop one record from the sidecar; returns how many records still point at the blob."""
