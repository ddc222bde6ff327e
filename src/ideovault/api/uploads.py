"""Image files sent to the API (inputs, masks, style and character references).

Checked here, before a request is sent, the way the reference says the API checks them
(docs/ideogram-api.md §1): JPEG, PNG or WebP by their bytes (not their name), at most 10 MB a file,
decodable, with a known pixel size. A bad file costs nothing and gets a message that names it.

Every image ideovault reads — an input here, a download, an import — is opened with
:func:`open_image`, which reads only the header and refuses a claimed size over
:data:`MAX_IMAGE_PIXELS` before a single pixel is decoded: a few hundred bytes of PNG can claim
50000x50000 pixels (a "decompression bomb") and would otherwise take gigabytes to decode.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ideovault.api import enums

if TYPE_CHECKING:
    from PIL import Image

# 64 megapixels (8192 x 8192): above every Ideogram output (a 4x upscale of the largest
# resolution is about 4 megapixels x 16) and below Pillow's own bomb warning (89 megapixels).
MAX_IMAGE_PIXELS = 8192 * 8192

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


def open_image(source: bytes | str | Path | IO[bytes], what: str = "image") -> Image.Image:
    """Open an image by its header alone, refusing it before any decoding if it is not a PNG,
    JPEG or WebP or claims more than :data:`MAX_IMAGE_PIXELS` pixels.

    ValueError (with ``what`` in it) otherwise. The image is lazy: ``load()`` decodes it. The
    format's own class is used rather than ``Image.open``, whose bomb check raises a
    DecompressionBombError that would hide the size the file claims.
    """
    from PIL import (
        Image,
        ImageFile,
        JpegImagePlugin,
        PngImagePlugin,
        UnidentifiedImageError,
        WebPImagePlugin,
    )

    fp: bytes | str | Path | IO[bytes] = source
    if isinstance(source, bytes):
        head, fp = source[:16], io.BytesIO(source)
    elif isinstance(source, str | Path):
        with Path(source).open("rb") as fh:
            head = fh.read(16)
    else:
        head = source.read(16)
        source.seek(0)
    mime = sniff(head)
    if mime is None:
        raise ValueError(f"{what} is not a PNG, JPEG or WebP image")
    opener: Callable[[Any], ImageFile.ImageFile] = {
        "image/png": PngImagePlugin.PngImageFile,
        "image/jpeg": JpegImagePlugin.JpegImageFile,
        "image/webp": WebPImagePlugin.WebPImageFile,
    }[mime]
    try:
        image = opener(fp)  # a path is opened, and closed with the image, by Pillow
    except Image.DecompressionBombError:  # WebP's reader checks the size itself, and says less
        raise ValueError(
            f"{what} claims over {MAX_IMAGE_PIXELS / 1e6:.0f} megapixels; "
            f"at most {MAX_IMAGE_PIXELS / 1e6:.0f} megapixels are accepted"
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ValueError(f"{what} does not decode as an image ({exc})") from None
    width, height = image.size
    if width * height > MAX_IMAGE_PIXELS:
        image.close()
        raise ValueError(
            f"{what} claims {width}x{height} pixels ({width * height / 1e6:.0f} megapixels); "
            f"at most {MAX_IMAGE_PIXELS / 1e6:.0f} megapixels are accepted"
        )
    return image


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
        from PIL import UnidentifiedImageError

        with open_image(data, what) as img:  # refuses a lying header before decoding
            width, height = img.size
            try:
                img.verify()  # a truncated or corrupt file fails here, not at the API
            except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
                raise ValueError(f"{what} does not decode as an image ({exc})") from None
        assert mime is not None  # open_image refused anything else
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
