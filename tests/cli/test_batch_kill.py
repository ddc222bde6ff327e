"""kill -9 of batch processes and workers at random points: nothing lost, nothing paid twice.

The fake server counts answered calls per prompt (every prompt here is one item), which is
what Ideogram would bill. The one thing no client can recover is an answer that was on the
wire when its process died: such items are reported ``unanswered`` and may show one answer
that never reached the catalog — and they are sent again only on request.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ideovault.catalog import Catalog
from ideovault.catalog.batch_records import ItemStatus
from ideovault.catalog.records import ImageStatus
from tests.cli.conftest import API_KEY
from tests.waiting import wait_for

pytestmark = pytest.mark.slow


def spawn(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "ideovault", *args],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def kill9(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)


def done_count(url: str, batch_id: str) -> int:
    with Catalog.open(url) as catalog:
        return catalog.batches.counts(batch_id).items.get("done", 0)


def check_exactly_once(
    url: str, batch_id: str, answered: dict[str, int], *, partial: bool = False
) -> list[str]:
    """Every done item answered once and stored; returns the prompts of unanswered items."""
    unanswered = []
    with Catalog.open(url) as catalog:
        for item in catalog.batches.items(batch_id):
            prompt = item.request["params"]["prompt"]
            if item.status == ItemStatus.UNANSWERED:
                assert answered.get(prompt, 0) <= 1, prompt
                unanswered.append(prompt)
                continue
            if partial:  # a killed run leaves items in every state; none answered twice
                assert answered.get(prompt, 0) <= 1, prompt
                continue
            assert item.status == ItemStatus.DONE, (item.status, item.error)
            assert answered.get(prompt) == 1, prompt
            images = catalog.images.of_generation(item.generation_id or "")
            assert [i.status for i in images] == [ImageStatus.STORED], prompt
    return unanswered


def test_kill9_batch_several_times_then_resume(run, cli_env, fake, tmp_path: Path) -> None:
    url = cli_env["IDEOVAULT_DATABASE_URL"]
    prompts = [f"kill test {i}" for i in range(60)]
    path = tmp_path / "b.jsonl"
    path.write_text("".join(json.dumps({"prompt": p}) + "\n" for p in prompts))
    fake.inject("slow_generate", times=1000, seconds=0.08)
    fake.inject("slow_download", times=1000, seconds=0.04)
    rng = random.Random(8)
    proc = spawn(cli_env, "batch", str(path), "--concurrency", "4", "--json")

    def open_batch() -> str:
        listed = json.loads(run("batch", "list", "--json").out or "[]")
        return str(listed[0]["id"]) if listed and listed[0]["status"] == "open" else ""

    batch_id = wait_for(open_batch, timeout=120, what="the batch opening")
    for _ in range(4):  # kill at random points: the sleeps pick the moment, nothing is timed
        target = done_count(url, batch_id) + rng.randint(2, 8)
        while done_count(url, batch_id) < target and proc.poll() is None:
            time.sleep(rng.uniform(0.01, 0.05))
        if proc.poll() is None:
            kill9(proc)
        # Between kills the books already balance: nothing answered twice.
        check_exactly_once(url, batch_id, fake.stats()["answered_by_prompt"], partial=True)
        proc = spawn(cli_env, "batch", "resume", batch_id, "--json")
    out, err = proc.communicate(timeout=300)
    assert proc.returncode in (0, 1), err.decode()
    report = json.loads(out)
    assert report["batch"]["finished"]
    unanswered = check_exactly_once(url, batch_id, fake.stats()["answered_by_prompt"])
    assert sorted(i["request"]["params"]["prompt"] for i in report["batch"]["unanswered"]) == (
        sorted(unanswered)
    )
    # Only on request are they sent again; then every item is done.
    res = run("batch", "resume", batch_id, "--retry-unanswered", "--json")
    assert res.code == 0, res.err
    assert json.loads(res.out)["batch"]["counts"]["items"] == {"done": 60}
    answered = fake.stats()["answered_by_prompt"]
    assert all(answered[p] == 1 for p in prompts if p not in unanswered)
    assert all(1 <= answered[p] <= 2 for p in unanswered)


@pytest.mark.postgres
def test_three_workers_one_killed_exactly_once(postgres_url: str, fake, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "ideovault.toml").write_text("retry_backoff = 0.01\n")
    env = {
        "IDEOVAULT_HOME": str(home), "IDEOGRAM_API_KEY": API_KEY,
        "IDEOGRAM_BASE_URL": fake.base_url, "IDEOVAULT_DATABASE_URL": postgres_url,
    }  # fmt: skip
    prompts = [f"worker test {i}" for i in range(90)]
    path = tmp_path / "b.jsonl"
    path.write_text("".join(json.dumps({"prompt": p}) + "\n" for p in prompts))
    queued = subprocess.run(
        [sys.executable, "-m", "ideovault", "batch", str(path), "--queue-only", "--json"],
        env={**os.environ, **env}, capture_output=True, check=True,
    )  # fmt: skip
    batch_id = json.loads(queued.stdout)["batch"]["id"]
    fake.inject("slow_generate", times=1000, seconds=0.05)
    args = ("worker", "--concurrency", "3", "--lease", "3", "--until-idle", "--json")
    workers = [spawn(env, *args) for _ in range(3)]

    def twenty_done() -> bool:
        assert all(w.poll() is None for w in workers), "a worker ended before the kill"
        return done_count(postgres_url, batch_id) >= 20

    wait_for(twenty_done, timeout=120, what="20 items done")
    kill9(workers[0])
    results = [json.loads(w.communicate(timeout=300)[0]) for w in workers[1:]]
    assert all(w.returncode == 0 for w in workers[1:])
    assert sum(r["items"].get("done", 0) for r in results) > 0
    unanswered = check_exactly_once(postgres_url, batch_id, fake.stats()["answered_by_prompt"])
    assert len(unanswered) <= 3  # at most what the killed worker had in flight
    assert sum(fake.stats()["answered_by_prompt"].values()) <= 90


def test_sigterm_finishes_what_is_in_flight_and_stops(run, cli_env, fake, tmp_path: Path) -> None:
    url = cli_env["IDEOVAULT_DATABASE_URL"]
    path = tmp_path / "b.jsonl"
    path.write_text("".join(json.dumps({"prompt": f"term {i}"}) + "\n" for i in range(40)))
    # Slow enough that the 35 items after the first 5 take seconds: the signal comes first.
    fake.inject("slow_generate", times=1000, seconds=0.5)
    proc = spawn(cli_env, "batch", str(path), "--concurrency", "4", "--json")

    def listed_batch() -> str:
        listed = json.loads(run("batch", "list", "--json").out or "[]")
        return str(listed[0]["id"]) if listed else ""

    batch_id = wait_for(listed_batch, timeout=120, what="the batch being listed")
    wait_for(lambda: done_count(url, batch_id) >= 5, timeout=120, what="5 items done")
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 130, err.decode()
    report = json.loads(out)
    assert report["run"]["stopped"]
    counts = report["batch"]["counts"]["items"]
    assert set(counts) <= {"done", "queued"}  # in flight finished, the rest not started
    assert counts["queued"] > 0
    res = run("batch", "resume", batch_id, "--json")
    assert res.code == 0, res.err
    assert json.loads(res.out)["batch"]["counts"]["items"] == {"done": 40}
    assert set(fake.stats()["answered_by_prompt"].values()) == {1}


def test_one_resume_resends_the_items_a_kill_left_in_flight(
    run, cli_env, fake, tmp_path: Path
) -> None:
    """The common crash: killed while the API is still working on a call. One
    ``resume --retry-unanswered`` sends that item again and finishes the batch."""
    url = cli_env["IDEOVAULT_DATABASE_URL"]
    path = tmp_path / "b.jsonl"
    path.write_text("".join(json.dumps({"prompt": f"inflight {i}"}) + "\n" for i in range(3)))
    fake.inject("slow_generate", times=1, seconds=30)  # the first call hangs: kill meanwhile
    proc = spawn(cli_env, "batch", str(path), "--concurrency", "1", "--json")

    def in_flight() -> tuple[str, int] | None:
        assert proc.poll() is None, "the batch ended before it could be killed"
        with Catalog.open(url) as catalog:
            recent = catalog.batches.recent(1)
            batch_id = recent[0].id if recent else ""
            sent = catalog.batches.counts(batch_id).items.get("sent", 0) if batch_id else 0
        return (batch_id, sent) if sent else None

    batch_id, sent = wait_for(in_flight, timeout=120, what="an item being sent")
    assert sent == 1
    kill9(proc)
    res = run("batch", "resume", batch_id, "--retry-unanswered", "--json")
    assert res.code == 0, res.out + res.err
    report = json.loads(res.out)
    assert report["batch"]["counts"]["items"] == {"done": 3}
    assert report["batch"]["unanswered"] == []
    answered = fake.stats()["answered_by_prompt"]
    assert answered["inflight 1"] == 1 and answered["inflight 2"] == 1
    assert answered.get("inflight 0", 0) <= 2  # the hanging call may still be answered
