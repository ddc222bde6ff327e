"""Helpers for the fake server's tests: real HTTP over loopback, no mocks.

The ``fake`` fixture (tests/conftest.py) is the suite's shared server, reset around each test;
tests that need other settings start their own with :func:`own_server`.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from ideogram_fake import FakeConfig, FakeServer
from tests.conftest import TEST_API_KEY

KEY = TEST_API_KEY
H = {"Api-Key": KEY}
V3 = "/v1/ideogram-v3/generate"
URL_RE = re.compile(
    r"^http://127\.0\.0\.1:\d+/api/images/ephemeral/(?P<id>[A-Za-z0-9_-]{22})\.png"
    r"\?exp=(?P<exp>\d+)&sig=(?P<sig>[0-9a-f]{64})$"
)


def v3(fake: FakeServer, headers: dict[str, str] | None = None, **fields: Any) -> httpx.Response:
    """POST the V3 route as multipart: lists repeat the field, everything else is text."""
    parts = []
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            parts.append((name, (None, str(item))))
    return httpx.post(
        f"{fake.base_url}{V3}", headers=H if headers is None else headers, files=parts, timeout=30
    )


def v3_json(fake: FakeServer, body: Any) -> httpx.Response:
    return httpx.post(f"{fake.base_url}{V3}", headers=H, json=body, timeout=30)


def legacy(fake: FakeServer, headers: dict[str, str] | None = None, **req: Any) -> httpx.Response:
    return httpx.post(
        f"{fake.base_url}/generate",
        headers=H if headers is None else headers,
        json={"image_request": req},
        timeout=30,
    )


def image_bytes(
    width: int = 64, height: int = 64, kind: str = "PNG", *, note: str = "", colour: int = 90
) -> bytes:
    """A real, decodable image; ``note`` goes into a PNG text chunk (the unsafe-upload marker)."""
    image = Image.new("RGB", (width, height), (colour, 120, 200))
    out = io.BytesIO()
    if note:
        info = PngInfo()
        info.add_text("Comment", note)
        image.save(out, "PNG", pnginfo=info)
    else:
        image.save(out, kind)
    return out.getvalue()


def post(
    fake: FakeServer,
    path: str,
    files: dict[str, bytes | list[bytes]] | None = None,
    headers: dict[str, str] | None = None,
    **fields: Any,
) -> httpx.Response:
    """POST multipart to ``path``: ``files`` as file parts (lists repeat), fields as text."""
    parts: list[tuple[str, Any]] = []
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            parts.append((name, (None, str(item))))
    for name, blobs in (files or {}).items():
        for index, blob in enumerate(blobs if isinstance(blobs, list) else [blobs]):
            parts.append((name, (f"{name}-{index}.png", blob, "image/png")))
    return httpx.post(
        f"{fake.base_url}{path}", headers=H if headers is None else headers, files=parts,
        timeout=60,
    )  # fmt: skip


def one_url(fake: FakeServer, **fields: Any) -> str:
    response = v3(fake, **{"prompt": "a fox", **fields})
    assert response.status_code == 200, response.text
    return str(response.json()["data"][0]["url"])


def png_size(data: bytes) -> tuple[int, int]:
    """Decode fully (not just the header) and return the pixel size."""
    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.format == "PNG"
    return image.size


def link_exp(url: str) -> int:
    return int(parse_qs(urlsplit(url).query)["exp"][0])


class MovableClock:
    """The fake's wall clock, moved forward by the test: a link expires when the test says, not
    after a wait (and not before the test has used it, however slow the machine)."""

    def __init__(self) -> None:
        self.ahead = 0.0

    def __call__(self) -> float:
        return time.time() + self.ahead

    def move_past(self, unix_seconds: float) -> None:
        self.ahead = max(self.ahead, unix_seconds - time.time() + 1)


@contextmanager
def own_server(**config: Any) -> Iterator[FakeServer]:
    with FakeServer(FakeConfig(**{"api_key": KEY, **config})) as server:
        yield server
