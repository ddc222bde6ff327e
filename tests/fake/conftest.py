from __future__ import annotations

from collections.abc import Iterator

import pytest

from ideovault.fake import FakeConfig, FakeServer

KEY = "fake-test-key-Lp2"


@pytest.fixture(scope="module")
def server() -> Iterator[FakeServer]:
    with FakeServer(FakeConfig(api_key=KEY)) as fake:
        yield fake


@pytest.fixture
def fake(server: FakeServer) -> Iterator[FakeServer]:
    server.reset()
    yield server
    server.reset()
