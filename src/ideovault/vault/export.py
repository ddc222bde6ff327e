"""`export`: the originals a query finds, plus a manifest (JSON Lines and CSV) of their records.

Into a folder, each file is written to a temp name and renamed; into a ``.zip``, the archive is
built under a temp name and renamed at the end. If the disk fills up, the partial file is
removed and the export stops with a clear message; nothing in the vault is touched.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol

from ideovault.blobs import EXTENSIONS, BlobStore, LocalBlobStore
from ideovault.catalog.records import ImageRecord, ImageStatus
from ideovault.catalog.search import SearchPage
from ideovault.errors import IdeovaultError, UserError
from ideovault.vault import embed
from ideovault.vault.presenting import image, present

if TYPE_CHECKING:
    from ideovault.vault.context import VaultContext


class Page(Protocol):
    @property
    def records(self) -> list[ImageRecord]: ...

    @property
    def next_cursor(self) -> str | None: ...


class Source(Protocol):
    """What an export reads of a vault: :class:`LocalSource` here, or a server's (the remote
    vault's, fetching each original over HTTP, with no ``store`` of its own)."""

    @property
    def store(self) -> BlobStore | None: ...

    def search(self, query: str = "", *, limit: int = 50, cursor: str | None = None) -> Page: ...

    def open_original(self, id_or_prefix: str) -> tuple[ImageRecord, BinaryIO]: ...


class LocalSource:
    """This vault's catalog and blob store as an export :class:`Source`."""

    def __init__(self, ctx: VaultContext) -> None:
        self._ctx = ctx
        self.store: BlobStore | None = ctx.store

    def search(self, query: str = "", *, limit: int = 50, cursor: str | None = None) -> SearchPage:
        page = self._ctx.catalog.images.search(query, limit=limit, cursor=cursor)
        return SearchPage([present(self._ctx, r) for r in page.records], page.next_cursor)

    def open_original(self, id_or_prefix: str) -> tuple[ImageRecord, BinaryIO]:
        record = image(self._ctx, id_or_prefix)
        if record.status != ImageStatus.STORED or not record.blob_key:
            raise UserError(f"image {record.id} has no stored file ({record.status.value})")
        return record, self._ctx.store.open(record.blob_key)


CSV_COLUMNS = ("file", "id", "prompt", "model", "style_type", "aspect_ratio", "seed",
               "resolution", "sha256", "size_bytes", "tags", "starred", "rating",
               "created_at")  # fmt: skip


@dataclass
class ExportReport:
    exported: int = 0
    bytes: int = 0
    not_embedded: list[str] = field(default_factory=list)  # formats without a metadata slot
    skipped: list[str] = field(default_factory=list)  # records without bytes

    def to_json(self) -> dict[str, Any]:
        return self.__dict__.copy()


def _matches(source: Source, query: str) -> Iterator[ImageRecord]:
    cursor = None
    while True:
        page = source.search(query, limit=500, cursor=cursor)
        yield from page.records
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def _disk_full(exc: OSError, target: Path, done: int) -> IdeovaultError:
    reason = "the disk is full" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
    return IdeovaultError(
        f"export to {target} stopped: {reason}. {done} file(s) were complete; the partial file "
        "was removed and the vault is untouched. Free space and run the export again."
    )


class _Folder:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def write(self, name: str, data: bytes) -> None:
        fd, tmp = tempfile.mkstemp(prefix=".export-", dir=self.root)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, self.root / name)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def close(self, ok: bool) -> None:
        pass


class _Zip:
    def __init__(self, target: Path) -> None:
        self.target = target
        fd, tmp = tempfile.mkstemp(prefix=".export-", suffix=".zip", dir=target.parent)
        os.close(fd)
        self.tmp = Path(tmp)
        self.zip = zipfile.ZipFile(self.tmp, "w", compression=zipfile.ZIP_STORED)

    def write(self, name: str, data: bytes) -> None:
        self.zip.writestr(name, data)

    def close(self, ok: bool) -> None:
        with contextlib.suppress(OSError):
            self.zip.close()
        if ok:
            os.replace(self.tmp, self.target)
        else:
            self.tmp.unlink(missing_ok=True)


def check_destination(store: BlobStore | None, to: str | Path, *, overwrite: bool = False) -> Path:
    """Where an export may go: never "" (the current folder by accident), never inside the
    vault's own blob store (``verify`` would then find files no record names), never over an
    existing file unless asked, and never onto something that is not a file or a folder."""
    if not str(to).strip():
        raise UserError("--to is empty; name a folder or a file ending in .zip")
    target = Path(to).expanduser()
    as_zip = target.suffix.lower() == ".zip"
    store_root = store.root if isinstance(store, LocalBlobStore) else None
    if store_root is not None and target.resolve().is_relative_to(store_root):
        raise UserError(
            f"{target} is inside the vault's own blob store ({store_root}); export elsewhere"
        )
    if as_zip and not target.parent.is_dir():
        raise UserError(f"{target.parent} does not exist")
    if target.is_symlink() or (target.exists() and not (target.is_dir() or target.is_file())):
        raise UserError(f"{target} exists and is not a plain file or folder; export elsewhere")
    if target.is_dir() and as_zip:
        raise UserError(f"{target} is a folder; name the .zip file to write")
    if target.is_file() and not as_zip:
        raise UserError(f"{target} exists and is not a folder")
    if target.is_file() and not overwrite:
        raise UserError(f"{target} already exists; pass --force to replace it")
    return target


def export(
    source: Source,
    query: str,
    to: str | Path,
    *,
    embed_metadata: bool = False,
    overwrite: bool = False,
) -> ExportReport:
    """Copy the originals a query finds, plus manifests, to a folder or a .zip.

    A source, not a context: a server's vault exports through this too (``vault.upkeep``
    passes :class:`LocalSource`)."""
    target = check_destination(source.store, to, overwrite=overwrite)
    as_zip = target.suffix.lower() == ".zip"
    sink: _Folder | _Zip = _Zip(target) if as_zip else _Folder(target)
    report = ExportReport()
    lines: list[str] = []
    rows = io.StringIO()
    table = csv.DictWriter(rows, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    table.writeheader()
    ok = False
    try:
        for record in _matches(source, query):
            if record.status != ImageStatus.STORED or not record.blob_key:
                report.skipped.append(record.id)
                continue
            with source.open_original(record.id)[1] as fh:  # a server's: through it
                data = fh.read()
            name = f"{record.id}.{EXTENSIONS.get(record.mime or '', 'png')}"
            document = record.to_json()
            document.pop("local_path", None)
            if embed_metadata:
                embedded = embed.embed(data, document)
                if embedded is None:
                    report.not_embedded.append(record.id)
                else:
                    data = embedded
            sink.write(name, data)
            report.exported += 1
            report.bytes += len(data)
            lines.append(json.dumps({"file": name, **document}, ensure_ascii=False))
            table.writerow({**document, "file": name, "tags": " ".join(record.tags)})
        sink.write("manifest.jsonl", ("\n".join(lines) + "\n").encode("utf-8"))
        sink.write("manifest.csv", rows.getvalue().encode("utf-8"))
        ok = True
    except OSError as exc:
        raise _disk_full(exc, target, report.exported) from None
    finally:
        sink.close(ok)
    return report
