"""Drive `ideovault mcp` the way an assistant does: the MCP SDK's own client starts it as a
subprocess and talks JSON-RPC over its stdin/stdout, against the fake Ideogram API."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TextIO

import anyio
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.client.stdio import stdio_client as stdio_client_transport
from mcp_types import CallToolResult, TextContent

from ideogram_fake import FakeServer
from ideovault.config import load_settings
from ideovault.vault import Vault
from tests.conftest import TEST_API_KEY

SRC = str(Path(__file__).resolve().parents[2] / "src")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    (home / "ideovault.toml").write_text("retry_backoff = 0.01\nmax_retries = 1\n")
    return home


@pytest.fixture
def server_env(home: Path, fake: FakeServer) -> dict[str, str]:
    """The environment an assistant's configuration would give the server."""
    return {
        "IDEOVAULT_HOME": str(home),
        "IDEOGRAM_API_KEY": TEST_API_KEY,
        "IDEOGRAM_BASE_URL": fake.base_url,
        "IDEOVAULT_DATABASE_URL": f"sqlite:///{home / 'catalog.db'}",
        "PYTHONPATH": os.pathsep.join([SRC, os.environ.get("PYTHONPATH", "")]),
        "NO_GCE_CHECK": "true",
    }


@pytest.fixture
def vault(home: Path, fake: FakeServer) -> Iterator[Vault]:
    """The same vault, opened in the test process (to seed it and to check what was stored)."""
    settings = load_settings(home=home, env={}).with_overrides(
        api_key=TEST_API_KEY, base_url=fake.base_url, retry_backoff=0.01
    )
    with Vault.open(settings=settings) as opened:
        yield opened


Scenario = Callable[[Client], Awaitable[None]]


@asynccontextmanager
async def stdio_client(env: dict[str, str], log: TextIO) -> AsyncIterator[Client]:
    params = StdioServerParameters(command=sys.executable, args=["-m", "ideovault", "mcp"], env=env)
    async with Client(stdio_client_transport(params, errlog=log), read_timeout_seconds=120) as c:
        yield c


@pytest.fixture
def server_log(tmp_path: Path) -> Path:
    """Where the server's stderr (its log) goes; tests read it afterwards."""
    return tmp_path / "server-stderr.txt"


@pytest.fixture
def over_stdio(server_env: dict[str, str], server_log: Path) -> Callable[[Scenario], None]:
    """Run ``scenario(client)`` against a fresh `ideovault mcp` process."""

    def run(scenario: Scenario) -> None:
        async def main() -> None:
            with server_log.open("a", encoding="utf-8") as log:
                async with stdio_client(server_env, log) as client:
                    await scenario(client)

        anyio.run(main)

    return run


def text_of(result: CallToolResult) -> str:
    return "\n".join(c.text for c in result.content if isinstance(c, TextContent))


def data_of(result: CallToolResult) -> Any:
    """The JSON the tool returned (its last text block: a warning may come first)."""
    assert not result.is_error, text_of(result)
    texts = [c.text for c in result.content if isinstance(c, TextContent)]
    return json.loads(texts[-1])
