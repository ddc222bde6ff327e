"""Running the CLI against a real ``ideovault serve`` (a server thread on loopback) and locally
against the same vault, to compare what both print.

Fields that legitimately differ: ``local_path`` is null through a server (where the server
keeps files is none of a client's business); nothing else.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

Run = Callable[..., Any]  # tests.cli.conftest's run: a Result with code, out and err


def without_path(data: Any) -> Any:
    """What the server shows: ``local_path`` of every record dropped (it is null remotely)."""
    if isinstance(data, list):
        return [without_path(d) for d in data]
    if isinstance(data, dict):
        return {k: without_path(v) for k, v in data.items() if k != "local_path"}
    return data


@dataclass
class Both:
    """One CLI, run locally (the server's own vault) or through the server with a key."""

    run: Run
    url: str
    monkeypatch: pytest.MonkeyPatch
    key: str | None = None

    def local(self, *args: str) -> Any:
        self.monkeypatch.delenv("IDEOVAULT_URL", raising=False)
        return self.run(*args)

    def remote(self, *args: str, key: str | None = None) -> Any:
        self.monkeypatch.setenv("IDEOVAULT_URL", self.url)
        self.monkeypatch.setenv("IDEOVAULT_KEY", key or self.key or "")
        api_key = os.environ.pop("IDEOGRAM_API_KEY", None)  # the client never needs it
        try:
            return self.run(*args)
        finally:
            self.monkeypatch.delenv("IDEOVAULT_URL")
            if api_key is not None:  # the local CLI (and the server's vault) keep theirs
                os.environ["IDEOGRAM_API_KEY"] = api_key

    def json(self, *args: str, remote: bool = True) -> Any:
        result = self.remote(*args) if remote else self.local(*args)
        assert result.code == 0, (args, result.err)
        return json.loads(result.out)

    def same(self, *args: str) -> Any:
        """Run ``args`` both ways; the JSON must be equal but for ``local_path``."""
        local = self.json(*args, remote=False)
        remote = self.json(*args)
        assert without_path(remote) == without_path(local), args
        return remote
