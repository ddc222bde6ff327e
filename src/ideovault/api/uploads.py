"""Image files sent to the API (inputs, masks, style and character references).

Checked here, before a request is sent, the way the reference says the API checks them
(ideogram-api.md §1): JPEG, PNG or WebP by their bytes (not their name), at most 10 MB a file,
decodable, with a known pixel size. A bad file costs nothing and gets a message that names it.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ideovault.api import enums

_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}


def sniff(data: bytes) -> str | None:
    """The MIME type of PNG, JPEG or WebP bytes, else None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


@dataclass(frozen=True)
class Upload:
    """One file part: its bytes, what they are, and (when known) the vault record they came from.

    ``image_id`` ties the input to a catalog record so lineage and reproduction can find it
    again; it is not part of the request's fingerprint (the bytes' sha256 is).
    """

    data: bytes = field(repr=False)
    mime: str
    width: int
    height: int
    sha256: str
    what: str = "image"
    image_id: str | None = None

    @classmethod
    def from_bytes(cls, data: bytes, what: str = "image", image_id: str | None = None) -> Upload:
        """Validate bytes as an upload; ValueError (with ``what`` in it) if they cannot be one."""
        if len(data) > enums.MAX_UPLOAD_BYTES:
            raise ValueError(
                f"{what} is {len(data) / 1e6:.1f} MB; the API takes at most "
                f"{enums.MAX_UPLOAD_BYTES // (1024 * 1024)} MB a file"
            )
        mime = sniff(data)
        if mime is None:
            raise ValueError(f"{what} is not a PNG, JPEG or WebP image")
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(io.BytesIO(data)) as img:
                width, height = img.size
                img.verify()  # a truncated or corrupt file fails here, not at the API
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise ValueError(f"{what} does not decode as an image ({exc})") from None
        return cls(data, mime, width, height, hashlib.sha256(data).hexdigest(), what, image_id)

    @classmethod
    def from_path(cls, path: str | Path, what: str = "image") -> Upload:
        source = Path(path).expanduser()
        if not source.is_file():
            raise ValueError(f"{what}: {source} is not a file")
        if source.stat().st_size > enums.MAX_UPLOAD_BYTES:
            mb = source.stat().st_size / 1e6
            raise ValueError(f"{what} {source.name} is {mb:.1f} MB; the API takes at most 10 MB")
        return cls.from_bytes(source.read_bytes(), what)

    def with_id(self, image_id: str) -> Upload:
        return Upload(
            self.data, self.mime, self.width, self.height, self.sha256, self.what, image_id
        )

    @property
    def size(self) -> str:
        return f"{self.width}x{self.height}"

    @property
    def filename(self) -> str:
        return f"{self.what.replace(' ', '_')}.{_EXTENSIONS[self.mime]}"

    def part(self, name: str) -> tuple[str, tuple[str, bytes, str]]:
        """An httpx ``files`` entry."""
        return (name, (self.filename, self.data, self.mime))

    def describe(self) -> dict[str, Any]:
        """What the catalog keeps of an input: never the bytes (those are in the vault)."""
        out: dict[str, Any] = {"sha256": self.sha256, "size": self.size, "mime": self.mime}
        if self.image_id:
            out["image_id"] = self.image_id
        return out


def check_total(uploads: tuple[Upload, ...], what: str, limit: int) -> None:
    total = sum(len(u.data) for u in uploads)
    if total > limit:
        raise ValueError(
            f"{what} add up to {total / 1e6:.1f} MB; the API takes at most "
            f"{limit // (1024 * 1024)} MB in total"
        )
