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
        assert proc.stderr is not None
        deadline = time.monotonic() + 30
        url = None
        while url is None and time.monotonic() < deadline:
            line = proc.stderr.readline()
            if match := re.search(r"gallery: (http://127\.0\.0\.1:\d+)/", line):
                url = match.group(1)
        assert url, "serve did not print its URL"
        children: set[int] = set()
        while len(children) < 2 and time.monotonic() < deadline:  # forked after the URL line
            children = _children(proc.pid)
        assert len(children) == 2  # two worker processes under the supervisor
        pages = [httpx.get(f"{url}/api/images", timeout=10).json() for _ in range(6)]
        assert all(p["results"][0]["prompt"] == "a red fox" for p in pages)
    finally:
        proc.send_signal(signal.SIGTERM)  # passed on to the workers
        assert proc.wait(timeout=30) == 0
    assert not any(os.path.exists(f"/proc/{c}") for c in children)  # ended and reaped


def _children(pid: int) -> set[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as fh:
        return {int(p) for p in fh.read().split()}


def test_serve_workers_must_be_positive(run) -> None:
    result: Result = run("serve", "--port", "0", "--workers", "0")
    assert result.code == 2 and "Traceback" not in result.err
