"""Small real image files for tests: made with Pillow, in any format and size."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image


def image_bytes(width: int = 64, height: int = 64, fmt: str = "PNG", color: str = "red") -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buf, fmt)
    return buf.getvalue()


def image_file(
    folder: Path, name: str, width: int = 64, height: int = 64, fmt: str = "PNG",
    color: str = "red",
) -> Path:  # fmt: skip
    path = folder / name
    path.write_bytes(image_bytes(width, height, fmt, color))
    return path
