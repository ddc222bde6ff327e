"""MCP over streamable HTTP, mounted in the web app at /mcp behind the web guard: a server
configured off loopback refuses a client without the token and serves one that has it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import anyio
import httpx
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from mcp.shared.exceptions import MCPError

from ideogram_fake import FakeServer
from ideovault.mcp.http import mount_mcp
from ideovault.vault import Vault
from ideovault.vault.sending import SendOptions
from ideovault.web import WebSettings, create_app
from ideovault.web.serve import ServerThread
from tests.images import image_file
from tests.mcp.conftest import data_of, text_of

TOKEN = "mcp-test-token-0123456789abcdef"
CHANGE = {"X-Ideovault-Request": "1"}  # the guard's header for changing requests


@pytest.fixture
def guarded(vault: Vault) -> Iterator[ServerThread]:
    """The app as `ideovault serve --mcp --host 0.0.0.0` builds it, run on loopback."""
    settings = WebSettings(host="0.0.0.0", token=TOKEN)
    app = create_app(vault, settings)
    mount_mcp(app, vault, settings.host)
    with ServerThread(app) as running:
        yield running


def connect(url: str, headers: dict[str, str]) -> Client:
    transport = streamable_http_client(url, http_client=create_mcp_http_client(headers=headers))
    return Client(transport, read_timeout_seconds=60)


def test_off_loopback_mcp_needs_the_token(
    guarded: ServerThread, vault: Vault, fake: FakeServer, tmp_path: Path
) -> None:
    fox = vault.generations.generate("a red fox", seed=9, options=SendOptions(tags=("poster",)))[0]
    server_file = image_file(tmp_path, "private.png", 64, 64)
    url = f"{guarded.url}/mcp"
    hello = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    with httpx.Client() as raw:
        assert raw.post(url, json=hello, headers=CHANGE).status_code == 401
        wrong = {**CHANGE, "Authorization": "Bearer wrong-token-0123456789"}
        assert raw.post(url, json=hello, headers=wrong).status_code == 401
        no_header = {"Authorization": f"Bearer {TOKEN}"}
        assert raw.post(url, json=hello, headers=no_header).status_code == 403

    async def refused() -> None:
        async with connect(url, CHANGE) as client:
            await client.list_tools()

    with pytest.raises(BaseExceptionGroup) as failure:
        anyio.run(refused)
    assert failure.group_contains(MCPError, match="error response")  # the 401, as the SDK says it

    async def allowed() -> None:
        async with connect(url, {**CHANGE, "Authorization": f"Bearer {TOKEN}"}) as client:
            names = {t.name for t in (await client.list_tools()).tools}
            assert {"generate", "search", "show"} <= names
            found = data_of(await client.call_tool("search", {"query": "tag:poster"}))
            assert [i["id"] for i in found["images"]] == [fox.id]
            assert "local_path" not in found["images"][0]  # the server's paths stay private
            made = data_of(await client.call_tool("generate", {"prompt": "a cat", "seed": 2}))
            assert made["images"][0]["status"] == "stored"
            # Files on the server are out of a remote client's reach; vault ids are not.
            for name, arguments in (
                ("remix", {"source": str(server_file), "prompt": "x"}),
                ("generate", {"prompt": "x", "style_reference_images": [str(server_file)]}),
                ("describe", {"source": str(server_file)}),
            ):
                result = await client.call_tool(name, arguments)
                assert result.is_error and "not an image id" in text_of(result), name
            by_id = {"source": fox.id[:13], "prompt": "x", "dry_run": True}
            assert data_of(await client.call_tool("remix", by_id))["quote"]["estimated_usd"]

    anyio.run(allowed)
    assert fake.stats()["generate_calls"] == 2  # the fox, then the cat


def test_serve_mcp_serves_on_loopback_and_stops_on_ctrl_c(
    server_env: dict[str, str], vault: Vault
) -> None:
    fox = vault.generations.generate("a red fox", seed=9)[0]
    env = {**os.environ, **server_env}
    env.pop("IDEOVAULT_TOKEN", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "ideovault", "serve", "--mcp", "--port", "0"],
        env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        assert proc.stderr is not None
        url = None
        while url is None:  # the process prints it once bound, or ends
            line = proc.stderr.readline()
            assert line, "serve --mcp ended without printing its MCP URL"
            if match := re.search(r"MCP \(streamable HTTP\): (http://127\.0\.0\.1:\d+/mcp)", line):
                url = match.group(1)

        async def use() -> None:
            async with connect(url, CHANGE) as client:
                shown = data_of(await client.call_tool("show", {"image_id": fox.id}))
                assert shown["prompt"] == "a red fox" and "local_path" not in shown

        anyio.run(use)
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) in (0, 130)
