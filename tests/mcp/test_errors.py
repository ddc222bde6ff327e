"""Everything that can go wrong comes back as a tool error with the CLI's message — a budget
refusal, hostile arguments, a rate limit, an expired link — and the server keeps serving; the
Ideogram key never appears in anything it answers."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError
from mcp_types import CallToolResult

from ideogram_fake import FakeServer
from ideovault.vault import Vault
from tests.conftest import TEST_API_KEY
from tests.mcp.conftest import Scenario, data_of, text_of


def refused(result: CallToolResult, *words: str) -> str:
    text = text_of(result)
    assert result.is_error, text
    assert "Traceback" not in text and "internal error" not in text, text
    for word in words:
        assert word in text, text
    return text


def test_a_request_over_budget_is_refused_before_anything_is_sent(
    over_stdio: Callable[[Scenario], None], home: Path, fake: FakeServer
) -> None:
    with (home / "ideovault.toml").open("a") as toml:
        toml.write("[budget]\ndaily_usd = 0.05\n")

    async def scenario(client: Client) -> None:
        daily = await client.call_tool("generate", {"prompt": "a fox"})  # V_3: $0.06
        refused(daily, "over the daily budget", "daily_usd")
        capped = await client.call_tool(
            "generate", {"prompt": "a fox", "model": "V_2A_TURBO", "budget": 0.01}
        )
        refused(capped, "over --budget $0.01")
        quote = data_of(await client.call_tool("generate", {"prompt": "a fox", "dry_run": True}))
        assert quote["quote"]["estimated_usd"] == 0.06  # a quote is still free to ask for

    over_stdio(scenario)
    assert fake.stats()["generate_calls"] == 0


def test_hostile_arguments_are_tool_errors_and_the_server_keeps_serving(
    over_stdio: Callable[[Scenario], None],
    vault: Vault,
    tmp_path: Path,
    fake: FakeServer,
    server_log: Path,
) -> None:
    kept = vault.generations.generate("a red fox", seed=1)[0]
    not_an_image = tmp_path / "notes.png"
    not_an_image.write_text("not a picture")
    fake.reset()
    huge = "x" * 1_000_000

    async def scenario(client: Client) -> None:
        hostile: list[tuple[str, dict[str, object], str]] = [
            ("generate", {"prompt": 5}, "prompt"),
            ("generate", {"prompt": "a fox", "num_images": "many"}, "num_images"),
            ("generate", {"prompt": "a fox", "tags": "notalist"}, "tags"),
            ("generate", {"prompt": huge}, "at most 10000 characters"),
            ("generate", {"prompt": "a fox", "num_images": 99}, "num_images"),
            ("generate", {"prompt": "a\x00fox"}, "control character"),
            ("generate", {"prompt": "a fox", "model": "V_9"}, "V_9"),
            ("generate", {"prompt": "   "}, "give a prompt"),
            ("generate", {"prompt": "a fox", "negative": "rain"}, "Extra inputs"),  # a typo
            ("search", {"query": huge}, "query"),
            ("search", {"query": '"unclosed'}, "closing quote"),
            ("search", {"limit": -5}, "limit"),
            ("show", {"image_id": "../../etc/passwd"}, "image"),
            ("show", {"image_id": "'; DROP TABLE images; --"}, "image"),
            ("show", {"image_id": "ffffffff"}, "no image"),
            ("show", {}, "image_id"),
            ("remix", {"source": str(not_an_image), "prompt": "x", "dry_run": True}, "not a PNG"),
            ("remix", {"source": "/no/such/file.png", "prompt": "x"}, "file.png"),
            ("tag", {"image_ids": [kept.id], "add": ["a,b"]}, "comma"),
            ("tag", {"image_ids": [kept.id]}, "name tags"),
            ("describe", {"source": kept.id, "include_tags": True}, "go with v4"),
            ("no_such_tool", {}, "no_such_tool"),
        ]
        wrong = []
        for name, arguments, word in hostile:
            result = await client.call_tool(name, arguments)
            text = text_of(result)
            if not result.is_error or word not in text or "Traceback" in text or len(text) > 5000:
                wrong.append((name, str(arguments)[:80], text[:300]))
        assert wrong == []
        for uri, word in (("ideovault://image/ffffffff", "no image"), ("ideovault://x", "x")):
            with pytest.raises(MCPError, match=word):  # resources fail as protocol errors
                await client.read_resource(uri)
        alive = data_of(await client.call_tool("search", {"query": "fox"}))
        assert [i["id"] for i in alive["images"]] == [kept.id]

    over_stdio(scenario)
    assert fake.stats()["generate_calls"] == 0  # nothing hostile cost anything
    assert [r.id for r in vault.images.list().records] == [kept.id]  # nor stored anything
    assert "Traceback" not in server_log.read_text()  # and no path of the server crashed


def test_api_failures_are_clear_tool_errors_without_the_key(
    over_stdio: Callable[[Scenario], None], fake: FakeServer, server_log: Path
) -> None:
    texts: list[str] = []

    async def scenario(client: Client) -> None:
        fake.inject("rate_limit", times=5, retry_after=0)
        limited = await client.call_tool("generate", {"prompt": "a fox"})
        texts.append(refused(limited, "still rate-limiting"))
        fake.reset()
        fake.inject("expire", times=20)
        expired = await client.call_tool("generate", {"prompt": "a fox"})
        texts.append(refused(expired, "expired"))
        fake.reset()
        fake.inject("server_error", times=5)
        texts.append(refused(await client.call_tool("generate", {"prompt": "a fox"}), "500"))
        fake.reset()
        made = await client.call_tool("generate", {"prompt": "a fox", "seed": 3})
        texts.append(text_of(made))
        image_id = data_of(made)["images"][0]["id"]
        for name in ("show", "lineage", "similar"):
            texts.append(text_of(await client.call_tool(name, {"image_id": image_id})))
        texts.append(text_of(await client.call_tool("report", {})))
        texts.append(text_of(await client.call_tool("generate", {"prompt": "x", "dry_run": True})))

    over_stdio(scenario)
    assert all(TEST_API_KEY not in text for text in texts)
    assert TEST_API_KEY not in server_log.read_text()  # nor in the server's log


def test_without_the_extra_the_command_names_it_and_exits_2(
    tmp_path: Path, server_env: dict[str, str]
) -> None:
    hidden = tmp_path / "hide"
    hidden.mkdir()
    (hidden / "mcp.py").write_text("raise ImportError('the mcp SDK is not installed')\n")
    env = {**os.environ, **server_env}
    env["PYTHONPATH"] = os.pathsep.join([str(hidden), server_env["PYTHONPATH"]])
    for args in (["mcp"], ["serve", "--mcp", "--port", "0"]):
        done = subprocess.run(
            [sys.executable, "-m", "ideovault", *args],
            env=env, capture_output=True, text=True, timeout=120, check=False,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip
        assert done.returncode == 2, done.stderr
        assert "pip install 'ideovault[mcp]'" in done.stderr
        assert "Traceback" not in done.stderr and done.stdout == ""
