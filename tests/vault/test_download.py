"""The download check: only whole, undamaged images are ever committed."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from ideovault.blobs import LocalBlobStore
from ideovault.vault.download import CorruptImage, decode_staged, sniff_mime


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.linear_gradient("L").convert("RGB").resize((300, 200)).save(out, "PNG")
    return out.getvalue()


def decode(tmp_path: Path, data: bytes) -> tuple[str, int, int]:
    with LocalBlobStore(tmp_path).stage() as staged:
        staged.write(data)
        staged.finish()
        mime, width, height, phash = decode_staged(staged)
        assert len(phash) == 16 and int(phash, 16) >= 0
        return mime, width, height


def test_a_good_png_passes(tmp_path: Path) -> None:
    assert decode(tmp_path, png_bytes()) == ("image/png", 300, 200)


def test_one_flipped_byte_in_the_pixels_is_caught(tmp_path: Path) -> None:
    data = bytearray(png_bytes())
    idat = data.index(b"IDAT")
    data[idat + 20] ^= 0xFF
    with pytest.raises(CorruptImage):
        decode(tmp_path, bytes(data))


def test_a_truncated_png_is_caught(tmp_path: Path) -> None:
    data = png_bytes()
    with pytest.raises(CorruptImage):
        decode(tmp_path, data[: len(data) // 2])


def test_html_instead_of_an_image_is_caught(tmp_path: Path) -> None:
    with pytest.raises(CorruptImage, match="not a PNG"):
        decode(tmp_path, b"<html><body>Access denied</body></html>")


def test_jpeg_is_accepted_as_jpeg(tmp_path: Path) -> None:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(out, "JPEG")
    assert decode(tmp_path, out.getvalue()) == ("image/jpeg", 64, 48)
    assert sniff_mime(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
