"""Blobs in a folder on this machine.

Writes follow docs/architecture.md: temp file in the store (same filesystem, so the rename is
atomic), fsync the file, rename into place, fsync the folder. A reader therefore sees a blob
whole or not at all, even if the process is killed or the machine loses power mid-write.
Sidecar updates are serialised across processes with an ``flock`` on a lock file, because two
images with identical bytes may be stored by two processes at once.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from ideovault.blobs.base import (
    EXTENSIONS,
    BlobRef,
    BlobStore,
    Staged,
    check_key,
    key_for,
    sidecar_key,
)
from ideovault.errors import UserError

STAGING = ".staging"
_SIDECAR_VERSION = 1


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class LocalBlobStore(BlobStore):
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).expanduser().resolve()
        self.url = self.root.as_uri()
        self.staging_dir = self.root / STAGING
        try:
            self.staging_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            if not self.root.is_dir():  # a file, or a folder that cannot be made
                raise UserError(
                    f"cannot use {self.root} as the blob store ({exc.strerror or exc}); "
                    "check IDEOVAULT_STORAGE_URL"
                ) from None
            # a read-only store still serves reads; a write says why it failed when tried

    # -- writing -----------------------------------------------------------------------------

    def commit(self, staged: Staged, ext: str, metadata: dict[str, str] | None = None) -> BlobRef:
        if not staged.closed:
            staged.finish()
        key = key_for(staged.sha256, ext)
        target = self.root / key
        if target.is_file() and target.stat().st_size == staged.size:
            return BlobRef(key, target.as_uri(), target, staged.size, existed=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged.path, target)  # atomic: same filesystem
        _fsync_dir(target.parent)
        return BlobRef(key, target.as_uri(), target, staged.size, existed=False)

    def delete(self, key: str) -> None:
        check_key(key)
        (self.root / key).unlink(missing_ok=True)
        (self.root / sidecar_key(key)).unlink(missing_ok=True)

    # -- reading -----------------------------------------------------------------------------

    def exists(self, key: str) -> bool:
        check_key(key)
        return (self.root / key).is_file()

    def open(self, key: str) -> BinaryIO:
        check_key(key)
        return (self.root / key).open("rb")

    def uri(self, key: str) -> str:
        check_key(key)
        return (self.root / key).as_uri()

    def local_path(self, key: str) -> Path | None:
        check_key(key)
        return self.root / key

    def iter_keys(self) -> Iterator[str]:
        images = self.root / "images"
        if not images.is_dir():
            return
        suffixes = {"." + e for e in EXTENSIONS.values()}
        for path in sorted(images.rglob("*")):
            if path.suffix in suffixes and path.is_file():
                yield path.relative_to(self.root).as_posix()

    # -- sidecars ----------------------------------------------------------------------------

    @contextlib.contextmanager
    def _sidecar_lock(self) -> Iterator[None]:
        with (self.staging_dir / "sidecars.lock").open("a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def read_sidecar(self, key: str) -> dict[str, Any] | None:
        check_key(key)
        path = self.root / sidecar_key(key)
        try:
            data = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            return None
        return data if isinstance(data, dict) else None

    def _write_sidecar(self, key: str, doc: dict[str, Any]) -> None:
        path = self.root / sidecar_key(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix="sc-", suffix=".part", dir=self.staging_dir)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(doc, fh, ensure_ascii=False, indent=1, sort_keys=True)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _fsync_dir(path.parent)

    def upsert_sidecar(self, key: str, record_id: str, record: dict[str, Any]) -> None:
        with self._sidecar_lock():
            doc = self.read_sidecar(key) or {}
            records = doc.get("records") if isinstance(doc.get("records"), dict) else {}
            assert isinstance(records, dict)
            records[record_id] = record
            self._write_sidecar(key, {"version": _SIDECAR_VERSION, "key": key, "records": records})

    def remove_from_sidecar(self, key: str, record_id: str) -> int:
        with self._sidecar_lock():
            doc = self.read_sidecar(key) or {}
            records = doc.get("records") if isinstance(doc.get("records"), dict) else {}
            assert isinstance(records, dict)
            records.pop(record_id, None)
            self._write_sidecar(key, {"version": _SIDECAR_VERSION, "key": key, "records": records})
            return len(records)
