"""Uploaded images, checked as the real API documents it (docs/ideogram-api.md §1, §5, §12).

Every file part of every route passes here: the format is sniffed from the first bytes (the
part's Content-Type and filename are not trusted: a client that labels a GIF ``image/png`` must
still get the 400 it would get from Ideogram), each file is at most 10 MB, style references are
at most 10 MB together, so are character references (and there is at most one), and the image
must decode (Pillow reads it fully). Each refusal names the part, so a client's error message
can say which input was wrong.

A file over the size limit answers ``config.too_large_status``: 400 by default, because §12 of
the reference lists "file > 10 MB" among the 400s of the v1 routes; the v2 docs answer 413 on
some routes, so a test can turn that on. The client checks sizes before sending anyway.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image

from ideogram_fake.config import FakeConfig
from ideogram_fake.validate import FakeError, Fields, FilePart, bad
from ideovault.api import enums

# Our own guard, not the API's: an input this big would take the fake seconds and hundreds of MB
# to decode (a "decompression bomb" fits in 10 MB). Real inputs are a few megapixels.
MAX_INPUT_PIXELS = 64_000_000
_MB = 1024 * 1024
_OTHER_FORMATS = (
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"BM", "a BMP image"),
    (b"%PDF", "a PDF document"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
)
REFERENCE_GROUPS = ("style_reference_images", "character_reference_images")


@dataclass(frozen=True)
class Upload:
    """A decoded input image: what the routes need to know about it."""

    part: str
    kind: str  # "PNG", "JPEG" or "WEBP", from the magic bytes
    width: int
    height: int
    size: int
    data: bytes

    @property
    def resolution(self) -> str:
        return f"{self.width}x{self.height}"

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def sniff(data: bytes) -> str | None:
    """PNG, JPEG or WEBP by the magic bytes; None for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _what(data: bytes) -> str:
    """A human name for bytes that are not an accepted image, for the error message."""
    if not data:
        return "an empty file"
    for magic, name in _OTHER_FORMATS:
        if data.startswith(magic):
            return name
    try:
        data[:512].decode("utf-8")
    except UnicodeDecodeError:
        return "unrecognised binary data"
    return "text"


def too_large(status: int, message: str) -> FakeError:
    return FakeError(status, message)


def _check_size(part: FilePart, name: str, config: FakeConfig) -> None:
    if part.size > enums.MAX_UPLOAD_BYTES:
        raise too_large(
            config.too_large_status,
            f"{name} is {part.size / _MB:.1f} MB; each image may be at most "
            f"{enums.MAX_UPLOAD_BYTES // _MB} MB",
        )


def read_image(part: FilePart, name: str, config: FakeConfig) -> Upload:
    """One file part: size, sniffed format, full decode. Raises the API's 400 (or 413)."""
    _check_size(part, name, config)
    kind = sniff(part.data)
    if kind is None:
        raise bad(f"{name} must be a PNG, JPEG or WebP image, not {_what(part.data)}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(part.data)) as image:
                width, height = image.size
                if width * height > MAX_INPUT_PIXELS:
                    raise bad(f"{name} is {width}x{height} pixels; the fake takes at most 64 MP")
                if (image.format or "").upper() != kind:
                    raise ValueError(image.format)
                image.load()
    except FakeError:
        raise
    except Exception:  # Pillow raises many kinds on broken data
        raise bad(f"{name} could not be decoded as a {kind} image") from None
    return Upload(name, kind, width, height, part.size, part.data)


def read_uploads(fields: Fields, config: FakeConfig) -> dict[str, list[Upload]]:
    """Every file part of a request: the cheap rules first (sizes, totals, counts, §5), then
    each file is sniffed and decoded, then character masks are matched to their images.

    Call after :func:`ideogram_fake.validate.shapes`, which has made sure the file fields hold
    only files. Runs Pillow: call it from a worker thread.
    """
    parts = {
        name: [v for v in values if isinstance(v, FilePart)] for name, values in fields.items()
    }
    parts = {name: found for name, found in parts.items() if found}
    for name, found in parts.items():
        for part in found:
            _check_size(part, name, config)
    for group in REFERENCE_GROUPS:
        total = sum(part.size for part in parts.get(group, []))
        if total > enums.MAX_REFERENCE_BYTES_TOTAL:
            raise too_large(
                config.too_large_status,
                f"{group} are {total / _MB:.1f} MB together; at most "
                f"{enums.MAX_REFERENCE_BYTES_TOTAL // _MB} MB in total",
            )
    if len(parts.get("character_reference_images", [])) > enums.MAX_CHARACTER_REFERENCES:
        raise bad("at most one character reference image is supported")
    uploads = {
        name: [read_image(part, name, config) for part in found] for name, found in parts.items()
    }
    characters = uploads.get("character_reference_images", [])
    masks = uploads.get("character_reference_images_mask", [])
    if masks and len(masks) != len(characters):
        raise bad("character_reference_images_mask needs one mask per character reference image")
    for mask, character in zip(masks, characters, strict=False):
        same_size(character, mask)
    return uploads


def same_size(image: Upload, mask: Upload) -> None:
    """A mask must have exactly the pixel size of the image it masks (§4, §5)."""
    if (mask.width, mask.height) != (image.width, image.height):
        raise bad(
            f"{mask.part} must have the same size as {image.part} "
            f"({image.resolution}), not {mask.resolution}"
        )


def single(uploads: dict[str, list[Upload]], name: str) -> Upload:
    """The one required file ``name``."""
    found = uploads.get(name)
    if not found:
        raise bad(f"{name} is required (upload it as a file part)")
    return found[0]


def unsafe(uploads: dict[str, list[Upload]], config: FakeConfig) -> bool:
    """Whether any uploaded file carries the configured unsafe marker in its bytes."""
    marker = config.unsafe_upload_marker.encode()
    return bool(marker) and any(marker in u.data for us in uploads.values() for u in us)


def source_of(*images: Upload) -> str:
    """What the output pixels of an image operation depend on besides prompt and seed."""
    return hashlib.sha256("".join(u.digest for u in images).encode()).hexdigest()[:32]
