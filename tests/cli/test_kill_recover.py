"""A `generate` killed with SIGKILL mid-download loses nothing: `recover` finishes every image."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from ideovault.catalog import Catalog
from ideovault.catalog.records import ImageStatus
from tests.waiting import wait_for

pytestmark = pytest.mark.slow


def wait_for_pending(url: str, count: int, proc: subprocess.Popen[bytes]) -> list[str]:
    def pending() -> list[str]:
        assert proc.poll() is None, "generate finished before it could be killed"
        try:
            with Catalog.open(url) as catalog:
                found = catalog.images.list(limit=50, statuses=[ImageStatus.PENDING])
        except Exception:  # the process has not created the catalog yet
            return []
        return [r.id for r in found] if len(found) == count else []

    return wait_for(pending, timeout=60, what=f"{count} images becoming pending")


def test_sigkill_during_downloads_then_recover(run, cli_env, fake) -> None:
    fake.inject("slow_download", times=3, seconds=20)
    proc = subprocess.Popen(
        [sys.executable, "-m", "ideovault", "generate", "kill me softly", "-n", "3", "--json"],
        env={**os.environ, **cli_env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        ids = wait_for_pending(cli_env["IDEOVAULT_DATABASE_URL"], 3, proc)
        # Kill while the three (20 s) downloads are streaming, not before they began.
        wait_for(lambda: fake.stats()["downloads"] >= 3, what="the downloads")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL

    res = run("recover", "--json")
    assert res.code == 0, res.err
    report = json.loads(res.out)
    assert sorted(r["id"] for r in report["stored"]) == sorted(ids)
    for image_id in ids:
        record = json.loads(run("show", image_id, "--json").out)
        assert record["status"] == "stored"
        expected = hashlib.sha256(httpx.get(record["original_url"]).content).hexdigest()
        assert record["sha256"] == expected
        assert hashlib.sha256(Path(record["local_path"]).read_bytes()).hexdigest() == expected
    # A second recover has nothing left to do.
    again = json.loads(run("recover", "--json").out)
    assert again["stored"] == [] and again["still_pending"] == []


def test_sigkill_before_the_answer_is_reported_unanswered(run, cli_env, fake) -> None:
    fake.inject("slow_generate", times=1, seconds=20)
    proc = subprocess.Popen(
        [sys.executable, "-m", "ideovault", "generate", "never answered"],
        env={**os.environ, **cli_env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for(lambda: fake.stats()["generate_calls"] >= 1, timeout=60, what="the generate call")
    proc.kill()
    proc.wait(timeout=10)
    res = run("recover", "--json")
    report = json.loads(res.out)
    assert len(report["unanswered"]) == 1
    assert report["unanswered"][0]["status"] == "unknown"
    assert "may have been charged" in report["unanswered"][0]["error"]
