"""`ideovault serve`: refuses the network without a token, prints its URL, serves until stopped."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

import httpx

from tests.cli.conftest import Result
from tests.waiting import wait_for


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
        url = _printed_url(proc)
        page = httpx.get(f"{url}/api/images", timeout=60).json()
        assert page["results"][0]["prompt"] == "a red fox"
        assert "a red fox" in httpx.get(f"{url}/", timeout=60).text
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) in (0, 130)


def test_serve_with_workers_serves_from_several_processes(run, cli_env: dict[str, str]) -> None:
    assert run("generate", "a red fox", "--json").code == 0
    env = {**os.environ, **cli_env}
    env.pop("IDEOVAULT_TOKEN", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "ideovault", "serve", "--port", "0", "--workers", "2"],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    try:
        url = _printed_url(proc)
        # Two worker processes under the supervisor, forked after the URL line.
        children = wait_for(lambda: len(c := _children(proc.pid)) == 2 and c, what="2 workers")
        pages = [httpx.get(f"{url}/api/images", timeout=60).json() for _ in range(6)]
        assert all(p["results"][0]["prompt"] == "a red fox" for p in pages)
    finally:
        proc.send_signal(signal.SIGTERM)  # passed on to the workers
        assert proc.wait(timeout=60) == 0
    assert not any(os.path.exists(f"/proc/{c}") for c in children)  # ended and reaped


def _printed_url(proc: subprocess.Popen[str]) -> str:
    """The URL serve prints once it listens (read line by line until then, however long)."""
    assert proc.stderr is not None
    for line in proc.stderr:
        if match := re.search(r"gallery: (http://127\.0\.0\.1:\d+)/", line):
            return match.group(1)
    raise AssertionError(f"serve ended without printing its URL (exit {proc.wait()})")


def _children(pid: int) -> set[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as fh:
        return {int(p) for p in fh.read().split()}


def test_serve_workers_must_be_positive(run) -> None:
    result: Result = run("serve", "--port", "0", "--workers", "0")
    assert result.code == 2 and "Traceback" not in result.err
