"""The CLI against a real `ideovault serve` on loopback (IDEOVAULT_URL + IDEOVAULT_KEY): the
same JSON as the local CLI for the same vault, the key's role enforced by the server, and no
Ideogram key needed on the client."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from ideovault.vault import Vault
from ideovault.web import WebSettings, create_app
from ideovault.web.serve import ServerThread


def without_path(data: Any) -> Any:
    """Records as the server shows them: ``local_path`` is the server's business."""
    if isinstance(data, list):
        return [without_path(d) for d in data]
    if isinstance(data, dict):
        return {k: without_path(v) for k, v in data.items() if k != "local_path"}
    return data


@pytest.fixture
def server(cli_env: dict[str, str]) -> Iterator[str]:
    with Vault.open() as vault, ServerThread(create_app(vault, WebSettings(port=0))) as running:
        yield running.url


def test_remote_commands_answer_like_local_ones(  # type: ignore[no-untyped-def]
    run, server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = run("generate", "a red fox under a neon sign", "-n", "2", "--json")
    assert made.code == 0, made.err
    image_id = json.loads(made.out)[0]["id"]
    admin_key = json.loads(run("user", "init", "ada", "--json").out)["key"]
    run("user", "add", "vi")
    viewer_key = json.loads(run("key", "create", "--user", "vi", "--json").out)["key"]

    def both(*args: str) -> tuple[Any, Any]:
        local = run(*args)
        monkeypatch.setenv("IDEOVAULT_URL", server)
        monkeypatch.setenv("IDEOVAULT_KEY", admin_key)
        monkeypatch.delenv("IDEOGRAM_API_KEY", raising=False)
        remote = run(*args)
        monkeypatch.delenv("IDEOVAULT_URL")
        assert local.code == remote.code == 0, (args, local.err, remote.err)
        return json.loads(local.out), json.loads(remote.out)

    local, remote = both("show", image_id, "--json")
    assert without_path(remote) == without_path(local)
    local, remote = both("search", "fox", "--json")
    assert without_path(remote) == without_path(local) and len(remote["results"]) == 2
    local, remote = both("report", "--json")
    assert remote == local

    monkeypatch.setenv("IDEOVAULT_URL", server)
    monkeypatch.setenv("IDEOVAULT_KEY", admin_key)
    monkeypatch.delenv("IDEOGRAM_API_KEY", raising=False)
    assert run("tag", image_id, "+remote", "--json").code == 0
    assert run("star", image_id).code == 0
    assert run("rm", image_id, "--json").code == 0
    trashed = json.loads(run("show", image_id, "--json").out)
    assert trashed["trashed_at"] and trashed["starred"] and "remote" in trashed["tags"]
    assert run("restore", image_id).code == 0
    unsupported = run("verify")
    assert unsupported.code == 2 and "does not work against a server" in unsupported.err
    monkeypatch.setenv("IDEOVAULT_KEY", viewer_key)
    refused = run("rm", image_id)
    assert refused.code == 2 and "images:write" in refused.err
    assert run("show", image_id, "--json").code == 0  # a viewer reads
    monkeypatch.setenv("IDEOVAULT_KEY", "ivk_" + "0" * 32 + "_" + "x" * 43)
    assert run("show", image_id).code == 2
    monkeypatch.delenv("IDEOVAULT_URL")
    assert json.loads(run("show", image_id, "--json").out)["trashed_at"] is None
