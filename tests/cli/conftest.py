"""Run the real CLI — in-process through ``main(argv)`` or as a subprocess — against the fake."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ideogram_fake import FakeServer
from ideovault.cli import main
from ideovault.vault import Vault
from ideovault.web import WebSettings, create_app
from ideovault.web.serve import ServerThread
from tests.cli.remote_pair import Both
from tests.conftest import TEST_API_KEY

API_KEY = TEST_API_KEY


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def cli_env(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    fake: FakeServer,
    monkeypatch: pytest.MonkeyPatch,
) -> dict[str, str]:
    """The environment a user would set; every CLI test runs on SQLite and on PostgreSQL."""
    home = tmp_path / "home"
    env = {
        "IDEOVAULT_HOME": str(home),
        "IDEOGRAM_API_KEY": API_KEY,
        "IDEOGRAM_BASE_URL": fake.base_url,
        "COLUMNS": "200",
        "IDEOVAULT_DATABASE_URL": (
            str(request.getfixturevalue("postgres_url"))
            if request.param == "postgres"
            else f"sqlite:///{home / 'catalog.db'}"
        ),
    }
    for name in ("IDEOVAULT_STORAGE_URL", "IDEOVAULT_PUBLIC_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    home.mkdir()
    (home / "ideovault.toml").write_text("retry_backoff = 0.01\n")
    return env


@pytest.fixture
def run(cli_env: dict[str, str], capsys: pytest.CaptureFixture[str]):
    """Call the CLI in-process; returns exit code and captured output."""

    def _run(*args: str) -> Result:
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return _run


@pytest.fixture
def run_process(cli_env: dict[str, str]):
    """Call the CLI as a real process (for argv bytes, signals and start-up)."""

    def _run(*args: str | bytes, timeout: float = 60, env: dict[str, str] | None = None) -> Result:
        env = {**os.environ, **cli_env, **(env or {})}
        proc = subprocess.run(
            [sys.executable, "-m", "ideovault", *args],
            env=env,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
        return Result(
            proc.returncode,
            proc.stdout.decode("utf-8", "replace"),
            proc.stderr.decode("utf-8", "replace"),
        )

    return _run


@pytest.fixture
def both(
    run: Callable[..., Result], cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, fake: Any
) -> Iterator[Both]:
    """A server on loopback over the CLI's vault, and an admin's key for it."""
    with Vault.open() as vault, ServerThread(create_app(vault, WebSettings(port=0))) as running:
        pair = Both(run, running.url, monkeypatch)
        made = pair.local("user", "init", "ada", "--json")
        assert made.code == 0, made.err
        pair.key = json.loads(made.out)["key"]
        yield pair
