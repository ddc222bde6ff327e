"""A vault with a few fake-generated images (one with a hostile prompt), served for real by
uvicorn on a free loopback port, and an HTTP client that talks to it like a browser's script."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ideogram_fake import FakeServer
from ideovault.config import load_settings
from ideovault.vault import SendOptions, Vault
from ideovault.web import WebSettings, create_app
from ideovault.web.serve import ServerThread
from tests.conftest import TEST_API_KEY

HOSTILE = "<script>window.pwned=1</script><img src=x onerror=window.pwned=2> fox"
HOSTILE_TAG = "<b>bold</b>"
CHANGE = {"X-Ideovault-Request": "1"}  # what the gallery's script sends on changing requests

SEED: list[tuple[str, dict[str, Any]]] = [
    ("a red fox under a neon sign", {"seed": 1234, "aspect_ratio": "16x9", "tags": ["poster"]}),
    (HOSTILE, {"tags": [HOSTILE_TAG]}),
    ("watercolor lighthouse at dawn", {"num_images": 2, "style_type": "DESIGN"}),
    ("logo for a bakery called Crumb", {"model": "V_2A_TURBO", "aspect_ratio": "1x1"}),
]


def open_vault(home: Path, fake: FakeServer, database_url: str | None = None) -> Vault:
    settings = load_settings(home=home, database_url=database_url, env={}).with_overrides(
        api_key=TEST_API_KEY, base_url=fake.base_url, retry_backoff=0.01
    )
    vault = Vault.open(settings=settings)
    for prompt, params in SEED:
        shaped = dict(params)
        options = SendOptions(tags=tuple(shaped.pop("tags", ())))
        vault.generations.generate(prompt, options=options, **shaped)
    return vault


@pytest.fixture
def vault(tmp_path: Path, fake: FakeServer) -> Iterator[Vault]:
    """A fresh vault per test (tests change tags, stars and the trash)."""
    with open_vault(tmp_path / "home", fake) as v:
        yield v


@pytest.fixture
def server(vault: Vault) -> Iterator[ServerThread]:
    with ServerThread(create_app(vault, WebSettings(port=0))) as running:
        yield running


@pytest.fixture
def client(server: ServerThread) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as c:
        yield c
