"""Batches end to end against the fake server over loopback, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ideogram_fake import FakeServer
from ideovault import ids
from ideovault.catalog.batch_records import ItemStatus
from ideovault.catalog.records import GenerationStatus, ImageStatus
from ideovault.errors import UserError
from ideovault.vault import Vault
from ideovault.vault.batch import BatchFileInvalid
from ideovault.vault.sending.storing import record_response
from tests.conftest import TEST_API_KEY


def batch_file(tmp_path: Path, prompts: list[str], **extra: object) -> Path:
    path = tmp_path / "batch.jsonl"
    path.write_text("".join(json.dumps({"prompt": p, **extra}) + "\n" for p in prompts))
    return path


def test_200_items_with_faults_all_done_none_twice(
    vault: Vault, fake: FakeServer, tmp_path: Path
) -> None:
    prompts = [f"catalogue item {i}" for i in range(200)]
    plan = vault.batches.create(batch_file(tmp_path, prompts, tags=["shop"]))
    assert plan.batch is not None and plan.items == 200
    fake.inject("rate_limit", times=25, retry_after=0.01)
    fake.inject("unavailable", times=10)
    fake.inject("server_error", times=5)
    fake.inject("truncate", times=15)
    stats = vault.batches.run(plan.batch.id, concurrency=8)
    assert stats.items["done"] == 200  # (an item whose retries ran out is queued again)
    assert set(stats.items) <= {"done", "queued"}
    state = vault.batches.state(plan.batch.id)
    assert state.counts.items == {"done": 200}
    assert state.counts.images == {"stored": 200}
    answered = fake.stats()["answered_by_prompt"]
    assert sorted(answered) == sorted(prompts)
    assert set(answered.values()) == {1}  # every item answered (and billed) exactly once
    stored = vault.images.search("tag:shop", limit=500).records
    assert sorted(r.prompt for r in stored) == sorted(prompts)
    assert all(r.status == ImageStatus.STORED and r.sha256 for r in stored)


def test_repeat_makes_one_item_per_request_and_no_dedupe(
    vault: Vault, fake: FakeServer, tmp_path: Path
) -> None:
    plan = vault.batches.create(batch_file(tmp_path, ["same seed"], seed=5, repeat=3))
    assert plan.batch is not None and plan.items == 3
    assert vault.batches.run(plan.batch.id).items == {"done": 3}
    assert fake.stats()["answered_by_prompt"] == {"same seed": 3}


def test_an_invalid_file_sends_nothing_and_leaves_no_job(
    vault: Vault, fake: FakeServer, tmp_path: Path
) -> None:
    path = tmp_path / "b.jsonl"
    path.write_text('{"prompt": "fine"}\n{"prompt": "bad", "seed": -1}\n{"prompt": "ok"}\n')
    with pytest.raises(BatchFileInvalid) as info:
        vault.batches.create(path)
    assert "line 2: seed" in str(info.value)
    assert vault.batches.list() == []
    plan = vault.batches.create(path, skip_invalid=True)
    assert plan.items == 2 and plan.error_count == 1
    assert plan.batch is not None
    vault.batches.run(plan.batch.id)
    assert sorted(fake.stats()["answered_by_prompt"]) == ["fine", "ok"]


def test_the_budget_is_checked_for_the_whole_batch_before_anything(
    vault: Vault, fake: FakeServer, tmp_path: Path
) -> None:
    path = batch_file(tmp_path, [f"p{i}" for i in range(10)], num_images=4)
    with pytest.raises(UserError, match=r"about \$2\.40"):
        vault.batches.create(path, max_usd=1.0)
    assert vault.batches.list() == [] and fake.stats()["generate_calls"] == 0
    assert vault.batches.create(path, dry_run=True).estimated_usd == pytest.approx(2.4)
    assert vault.batches.list() == []


def test_unanswered_items_are_reported_and_resent_only_when_asked(
    vault: Vault, fake: FakeServer, tmp_path: Path
) -> None:
    plan = vault.batches.create(batch_file(tmp_path, ["lost answer"]))
    assert plan.batch is not None
    fake.inject("drop")  # the request arrives; the connection dies before the answer
    assert vault.batches.run(plan.batch.id).items == {"unanswered": 1}
    state = vault.batches.state(plan.batch.id)
    assert [i.line_no for i in state.unanswered] == [1]
    calls = fake.stats()["generate_calls"]
    vault.batches.reopen(plan.batch.id)
    assert vault.batches.run(plan.batch.id).items == {}
    assert fake.stats()["generate_calls"] == calls  # not sent again on a plain resume
    vault.batches.reopen(plan.batch.id, retry_unanswered=True)
    assert vault.batches.run(plan.batch.id).items == {"done": 1}
    assert fake.stats()["answered_by_prompt"] == {"lost answer": 1}


def test_refused_items_fail_and_a_rejected_key_stops_the_run(
    vault: Vault, fake: FakeServer, tmp_path: Path
) -> None:
    plan = vault.batches.create(batch_file(tmp_path, ["fine", "UNSAFE_PROMPT here"]))
    assert plan.batch is not None
    stats = vault.batches.run(plan.batch.id)
    assert stats.items == {"done": 1, "failed": 1}
    assert "safety" in (vault.batches.state(plan.batch.id).failed[0].error or "")

    second = vault.batches.create(batch_file(tmp_path, ["a", "b", "c"]))
    assert second.batch is not None
    vault.context._client = None  # the next client is built with the wrong key
    vault.context.settings = vault.context.settings.with_overrides(api_key="sk-wrong")
    stats = vault.batches.run(second.batch.id, concurrency=1)
    assert stats.fatal and "key" in stats.fatal
    assert vault.batches.state(second.batch.id).counts.items == {"queued": 3}
    assert TEST_API_KEY not in json.dumps(vault.batches.state(second.batch.id).to_json())


def test_work_of_a_dead_process_is_taken_over(
    vault: Vault, fake: FakeServer, tmp_path: Path
) -> None:
    """What kill -9 leaves behind, built directly: a claim, an unanswered send, and an answered
    generation whose download never happened, all held by a process that no longer exists."""
    plan = vault.batches.create(batch_file(tmp_path, ["claimed", "sent", "answered"]))
    assert plan.batch is not None
    store = vault.context.catalog.batches
    dead = f"{socket.gethostname()}:999999:1"  # this machine, a pid that is not running
    _claimed, sent, answered = store.claim(dead, 3, lease_seconds=600)
    for item in (sent, answered):
        gid = ids.new_id()
        store.start(item.id, dead, {
            "id": gid, "endpoint": "/v1/ideogram-v3/generate", "operation": "generate",
            "model": "V_3", "request": {}, "fingerprint": "0" * 64, "status": "requested",
            "owner": dead, "num_images": 0, "created_at": datetime.now(UTC), "cost_usd": 0.06,
        })  # fmt: skip
    # The "answered" one: the API answered, images recorded, nothing downloaded yet.
    answered_gen = store.items(plan.batch.id, [ItemStatus.SENT])[1].generation_id
    assert answered_gen is not None
    request = vault.generations.prepare("answered")
    response = vault.context.client.generate(request)
    record_response(
        vault.context, vault.context.catalog.generations.get(answered_gen), request, response, ()
    )
    calls = fake.stats()["generate_calls"]

    stats = vault.batches.run(plan.batch.id, lease_seconds=600)
    assert stats.items == {"done": 2}  # the unanswered one is settled while claiming
    assert fake.stats()["generate_calls"] == calls + 1  # only the never-sent claim
    by_line = {i.line_no: i for i in store.items(plan.batch.id)}
    assert by_line[2].status == ItemStatus.UNANSWERED
    assert vault.context.catalog.generations.get(by_line[2].generation_id or "").status == (
        GenerationStatus.UNKNOWN
    )
    assert by_line[3].generation_id == answered_gen  # finished, not re-sent
    images = vault.context.catalog.images.of_generation(answered_gen)
    assert [i.status for i in images] == [ImageStatus.STORED]


def test_by_default_a_batch_fills_the_apis_in_flight_limit(
    vault: Vault, fake: FakeServer, tmp_path: Path
) -> None:
    """No --concurrency: as many one-image requests in flight as the API allows (10)."""
    plan = vault.batches.create(batch_file(tmp_path, [f"wide {i}" for i in range(20)]))
    assert plan.batch is not None
    fake.inject("slow_generate", times=10, seconds=3)  # the first ten overlap for sure
    stats = vault.batches.run(plan.batch.id)
    assert stats.items == {"done": 20}
    assert fake.stats()["peak_in_flight"] == 10
    assert vault.context.client.limiter.peak_in_flight == 10


def test_after_429s_a_batch_backs_off_and_still_finishes(
    vault: Vault, fake: FakeServer, tmp_path: Path
) -> None:
    plan = vault.batches.create(batch_file(tmp_path, [f"busy {i}" for i in range(30)]))
    assert plan.batch is not None
    fake.inject("rate_limit", times=6, retry_after=0)
    stats = vault.batches.run(plan.batch.id)
    assert stats.items == {"done": 30}
    assert vault.context.client.limiter.backoffs >= 1
    assert set(fake.stats()["answered_by_prompt"].values()) == {1}
