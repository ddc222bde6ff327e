"""Input files are checked like the API checks them, before anything is sent."""

from __future__ import annotations

from pathlib import Path

import pytest

from ideovault.api import enums
from ideovault.api.uploads import Upload
from tests.images import image_bytes, image_file


@pytest.mark.parametrize(("fmt", "mime"), [("PNG", "image/png"), ("JPEG", "image/jpeg"),
                                           ("WEBP", "image/webp")])  # fmt: skip
def test_png_jpeg_webp_are_accepted_by_their_bytes(fmt: str, mime: str) -> None:
    upload = Upload.from_bytes(image_bytes(40, 30, fmt))
    assert (upload.mime, upload.size) == (mime, "40x30")
    assert upload.filename.endswith({"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp"}[fmt])


def test_gif_and_text_are_refused_with_the_part_named() -> None:
    with pytest.raises(ValueError, match="the mask is not a PNG, JPEG or WebP"):
        Upload.from_bytes(image_bytes(8, 8, "GIF"), "the mask")
    with pytest.raises(ValueError, match="not a PNG"):
        Upload.from_bytes(b"<script>alert(1)</script>")


def test_a_truncated_png_is_refused_before_the_call() -> None:
    data = image_bytes(200, 200)
    with pytest.raises(ValueError, match="does not decode"):
        Upload.from_bytes(data[: len(data) // 2])


def test_more_than_ten_megabytes_is_refused(tmp_path: Path) -> None:
    big = b"\x89PNG\r\n\x1a\n" + b"\0" * enums.MAX_UPLOAD_BYTES
    with pytest.raises(ValueError, match="at most 10 MB"):
        Upload.from_bytes(big)
    path = tmp_path / "big.png"
    path.write_bytes(big)
    with pytest.raises(ValueError, match="at most 10 MB"):
        Upload.from_path(path)


def test_a_missing_or_directory_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="is not a file"):
        Upload.from_path(tmp_path / "nope.png")
    with pytest.raises(ValueError, match="is not a file"):
        Upload.from_path(tmp_path)


def test_describe_keeps_hash_and_id_never_bytes(tmp_path: Path) -> None:
    upload = Upload.from_path(image_file(tmp_path, "a.png")).with_id("0190-abc")
    assert upload.describe() == {
        "sha256": upload.sha256, "size": "64x64", "mime": "image/png", "image_id": "0190-abc",
    }  # fmt: skip
    assert "data" not in repr(upload)
