"""`ideovault serve`: refuses the network without a token, prints its URL, serves until stopped."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import httpx

from tests.cli.conftest import Result


def test_serve_off_loopback_needs_a_token(run, monkeypatch) -> None:
    monkeypatch.delenv("IDEOVAULT_TOKEN", raising=False)
    result: Result = run("serve", "--host", "0.0.0.0", "--port", "0")
    assert result.code == 2
    assert "IDEOVAULT_TOKEN" in result.err and "Traceback" not in result.err


def test_serve_rejects_a_short_token(run, monkeypatch) -> None:
    monkeypatch.setenv("IDEOVAULT_TOKEN", "abc")
    result: Result = run("serve", "--host", "0.0.0.0", "--port", "0")
    assert result.code == 2 and "too short" in result.err


def test_serve_prints_its_url_and_serves(run, cli_env: dict[str, str]) -> None:
    assert run("generate", "a red fox", "--json").code == 0
    env = {**os.environ, **cli_env}
    env.pop("IDEOVAULT_TOKEN", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "ideovault", "serve", "--port", "0"],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stderr is not None
        deadline = time.monotonic() + 30
        url = None
        while url is None and time.monotonic() < deadline:
            line = proc.stderr.readline()
            if match := re.search(r"gallery: (http://127\.0\.0\.1:\d+)/", line):
                url = match.group(1)
        assert url, "serve did not print its URL"
        page = httpx.get(f"{url}/api/images", timeout=10).json()
        assert page["results"][0]["prompt"] == "a red fox"
        assert "a red fox" in httpx.get(f"{url}/", timeout=10).text
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=15) in (0, 130)
