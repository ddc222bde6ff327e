"""Zip archives of many images, produced as a stream of bytes: nothing is staged on disk and
no more than one chunk of one original is in memory at a time.

Why the standard library's ``zipfile``: since Python 3.5 it writes to a non-seekable stream
(it then puts each entry's sizes and CRC in a data descriptor after the data), so a small
file-like sink that hands over what was written is all a streaming zip needs; a dependency
(zipstream-ng, stream-zip) would add little. Entries are STORED, not deflated: PNG, JPEG and
WebP are compressed already, and deflating them costs CPU for ~0 bytes. ZIP64 is used per
entry when a file is over 2 GiB, and by ``zipfile`` itself past 65,535 entries.

Each file is named from its prompt and id (``a-red-fox-under-01a2….png``): letters, digits,
``-`` and ``_`` only, never a path separator, so an archive unpacks where the user asks.
``manifest.jsonl`` (one record per line, with its ``file`` name) comes last; it is spooled to
a temporary file only when it grows past 1 MiB.
"""

from __future__ import annotations

import json
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ideovault.blobs import EXTENSIONS
from ideovault.catalog.records import ImageRecord, ImageStatus

if TYPE_CHECKING:
    from ideovault.vault.context import VaultContext

CHUNK = 1024 * 1024
ZIP64_OVER = 2**31 - 1
MAX_SLUG = 60
_NOT_NAME = re.compile(r"[^\w]+", re.UNICODE)


def safe_name(record: ImageRecord) -> str:
    """A file name from the prompt and id: no separators, dots, controls or leading dashes."""
    text = unicodedata.normalize("NFKC", record.prompt or "")
    slug = _NOT_NAME.sub("-", text).strip("-_").lower()[:MAX_SLUG].rstrip("-_") or "image"
    return f"{slug}-{record.id}.{EXTENSIONS.get(record.mime or '', 'png')}"


class _Sink:
    """A write-only, non-seekable file: what zipfile writes waits here until drained."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes, /) -> int:
        self._parts.append(data)  # zipfile hands over bytes it no longer touches
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def drain(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def _stamp(record: ImageRecord) -> tuple[int, int, int, int, int, int]:
    when = (record.created_at or datetime.now(UTC)).astimezone(UTC)
    return (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)


def zip_stream(ctx: VaultContext, records: Iterable[ImageRecord]) -> Iterator[bytes]:
    """The bytes of a zip of the stored originals of ``records`` plus ``manifest.jsonl``.

    Records without stored bytes are listed in the manifest with ``"file": null``."""
    sink = _Sink()
    manifest = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115
    with manifest, zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as archive:
        for record in records:
            document = record.to_json()
            document.pop("local_path", None)
            name = None
            if record.status == ImageStatus.STORED and record.blob_key:
                name = safe_name(record)
                info = zipfile.ZipInfo(name, date_time=_stamp(record))
                info.compress_type = zipfile.ZIP_STORED
                big = (record.size_bytes or 0) > ZIP64_OVER
                with (
                    ctx.store.open(record.blob_key) as source,
                    archive.open(info, "w", force_zip64=big) as entry,
                ):
                    while chunk := source.read(CHUNK):
                        entry.write(chunk)
                        yield sink.drain()
            line = json.dumps({"file": name, **document}, ensure_ascii=False) + "\n"
            manifest.write(line.encode("utf-8"))
        manifest.seek(0)
        info = zipfile.ZipInfo("manifest.jsonl", date_time=_stamp_now())
        info.compress_type = zipfile.ZIP_DEFLATED  # text: this one does compress
        with archive.open(info, "w") as entry:
            while chunk := manifest.read(CHUNK):
                entry.write(chunk)
                yield sink.drain()
    yield sink.drain()


def _stamp_now() -> tuple[int, int, int, int, int, int]:
    now = datetime.now(UTC)
    return (now.year, now.month, now.day, now.hour, now.minute, now.second)
