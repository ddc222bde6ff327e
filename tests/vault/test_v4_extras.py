"""The vault on Ideogram 4.0's async route, JSON prompts, magic-prompt and describe — on SQLite
and PostgreSQL, against the fake over loopback. Crashes are simulated by handing a saved async
generation to a dead owner, as a killed process leaves it."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text, update

from ideogram_fake import FakeServer
from ideovault.api.errors import GenerationNotFound
from ideovault.catalog.records import GenerationStatus, ImageStatus
from ideovault.catalog.schema import generations
from ideovault.errors import UserError
from ideovault.vault import Vault
from ideovault.vault.asynchronous import GenerationFailed, StillRunning
from ideovault.vault.describe import V4Options
from ideovault.vault.events import Event
from ideovault.vault.sending import SendOptions
from tests.conftest import TEST_API_KEY
from tests.images import image_bytes

HOOK = "https://hooks.example.com/ideogram"
FAST = {"webhook_url": HOOK, "poll_interval": 0.05, "timeout": 20}
JSON_PROMPT: dict[str, Any] = {
    "high_level_description": "A lighthouse on a cliff at dusk.",
    "compositional_deconstruction": {
        "background": "a stormy violet sky",
        "elements": [{"type": "text", "text": "KEEP OUT", "desc": "a sign", "bbox": [1, 2, 3, 4]}],
    },
}


def kill_owner(vault: Vault, generation_id: str) -> None:
    """What a SIGKILL leaves: the generation's owner is a process that no longer exists."""
    dead = f"{socket.gethostname()}:999999999:0"
    with vault.context.catalog.engine.begin() as conn:
        conn.execute(
            update(generations).where(generations.c.id == generation_id).values(owner=dead)
        )


def test_async_generate_saves_the_id_before_waiting_then_stores(
    vault: Vault, fake: FakeServer
) -> None:
    fake.inject("slow_async", seconds=600)  # held until the vault says it is waiting
    seen: list[tuple[str, Any]] = []

    def watch(event: Event) -> None:
        gen = vault.context.catalog.generations.get(event.generation_id)
        seen.append((event.kind, (gen.status.value, gen.remote_id)))
        if event.kind == "waiting":
            fake.finish_async_jobs()

    images = vault.generations.start(
        "a fox in snow",
        seed=5,
        resolution="1280x720",
        **FAST,
        options=SendOptions(tags=("async",), on_event=watch),
    )
    (image,) = images
    assert image.status == ImageStatus.STORED and image.width == 1280 and image.seed == 5
    assert image.tags == ("async",) and image.model == "V_4"
    kinds = [k for k, _ in seen]
    assert kinds[:2] == ["sent", "submitted"] and "waiting" in kinds and "image" in kinds
    submitted = dict(seen)["submitted"]
    assert submitted[0] == "requested" and submitted[1]  # the remote id, saved before waiting
    gen = vault.context.catalog.generations.get(image.generation_id)
    assert gen.endpoint == "/v1/ideogram-v4/async/generate" and gen.remote_id == submitted[1]
    assert gen.status == GenerationStatus.ANSWERED and gen.cost_usd == pytest.approx(0.06)
    assert fake.stats()["calls_by_endpoint"] == {"/v1/ideogram-v4/async/generate": 1}
    # The same request again is answered from the vault (seeded dedupe), not resubmitted.
    again = vault.generations.start("a fox in snow", seed=5, resolution="1280x720", **FAST)
    assert [r.id for r in again] == [image.id]
    assert fake.stats()["calls_by_endpoint"] == {"/v1/ideogram-v4/async/generate": 1}


def test_a_failed_async_generation_is_recorded_not_billed(vault: Vault, fake: FakeServer) -> None:
    fake.inject("async_fail")
    with pytest.raises(GenerationFailed, match="not billed"):
        vault.generations.start("x", **FAST)
    (gen,) = vault.context.catalog.generations.list()
    assert gen.status == GenerationStatus.FAILED and gen.remote_id


def test_a_timeout_leaves_it_collectable(vault: Vault, fake: FakeServer) -> None:
    fake.inject("slow_async", seconds=600)  # never done before the test releases it
    with pytest.raises(StillRunning, match="ideovault recover"):
        vault.generations.start("slow fox", webhook_url=HOOK, poll_interval=0.05, timeout=0.2)
    (gen,) = vault.context.catalog.generations.list()
    assert gen.status == GenerationStatus.REQUESTED and gen.remote_id
    # In this (live) process, recover leaves it to its owner; collect finishes it.
    assert vault.upkeep.recover().in_flight == [gen.id]
    fake.finish_async_jobs()
    (image,) = vault.generations.collect(gen.id[:12], poll_interval=0.05)
    assert image.status == ImageStatus.STORED and image.prompt == "slow fox"
    assert vault.generations.collect(gen.id) == [image]  # collecting again changes nothing
    assert fake.stats()["calls_by_endpoint"] == {"/v1/ideogram-v4/async/generate": 1}


def test_crash_after_submit_then_recover_stores_the_images(vault: Vault, fake: FakeServer) -> None:
    fake.inject("slow_async", seconds=600)
    with pytest.raises(StillRunning):
        vault.generations.start(
            "crash fox",
            webhook_url=HOOK,
            timeout=0.05,
            poll_interval=0.05,
            options=SendOptions(tags=("t1",)),
        )
    (gen,) = vault.context.catalog.generations.list()
    kill_owner(vault, gen.id)
    early = vault.upkeep.recover()  # still running at the API: reported, nothing marked
    assert early.async_running == [gen.id] and not early.ok and early.unanswered == []
    assert vault.context.catalog.generations.get(gen.id).status == GenerationStatus.REQUESTED
    assert fake.finish_async_jobs() == 1
    report = vault.upkeep.recover()
    (stored,) = report.stored
    assert report.ok and stored.generation_id == gen.id and stored.tags == ("t1",)
    assert stored.status == ImageStatus.STORED and Path(stored.local_path or "").is_file()
    assert vault.upkeep.recover().stored == []  # nothing left
    assert len(vault.context.catalog.images.of_generation(gen.id)) == 1


def test_recover_marks_failed_and_unknown_async_generations(vault: Vault, fake: FakeServer) -> None:
    fake.inject("slow_async", seconds=600)
    fake.inject("slow_async", seconds=600)
    for prompt in ("one", "two"):
        with pytest.raises(StillRunning):
            vault.generations.start(prompt, webhook_url=HOOK, timeout=0.01, poll_interval=0.01)
    first, second = sorted(vault.context.catalog.generations.list(), key=lambda g: g.id)
    vault.context.catalog.generations.note_submitted(
        second.id, "NoSuchGeneration123"
    )  # the API forgot it
    for gen in (first, second):
        kill_owner(vault, gen.id)
    fake.finish_async_jobs()
    report = vault.upkeep.recover()
    assert [g.id for g in report.unanswered] == [second.id]
    assert report.unanswered[0].status == GenerationStatus.UNKNOWN
    assert len(report.stored) == 1 and report.stored[0].prompt == "one"
    with pytest.raises(UserError):
        vault.generations.collect(second.id)
    with pytest.raises(GenerationNotFound):
        vault.context.client.poll("NoSuchGeneration123")


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [({"webhook_url": None}, "needs a webhook URL"), ({"webhook_url": "http://x.com/h"}, "https"),
     ({"webhook_url": "https://x.com:99999/h"}, "not a valid URL"),
     ({"model": "V_3"}, "only by Ideogram 4.0"), ({"num_images": 2}, "more than one image"),
     ({"timeout": -1}, "async_timeout")],
)  # fmt: skip
def test_async_input_errors_cost_nothing(
    vault: Vault, fake: FakeServer, kwargs: dict[str, Any], words: str
) -> None:
    with pytest.raises(UserError, match=words):
        vault.generations.start("x", **{**FAST, **kwargs})
    assert fake.stats()["generate_calls"] == 0 and vault.context.catalog.generations.list() == []


def test_json_prompt_generation_is_recorded_by_its_summary(vault: Vault) -> None:
    (image,) = vault.generations.generate(
        model="V_4", json_prompt=JSON_PROMPT, resolution="1024x1024"
    )
    assert image.prompt == "A lighthouse on a cliff at dusk."
    assert json.loads(image.expanded_prompt or "")["compositional_deconstruction"]
    gen = vault.context.catalog.generations.get(image.generation_id)
    assert gen.request["json_prompt"]["compositional_deconstruction"]["background"] == (
        "a stormy violet sky"
    )
    assert [r.id for r in vault.images.search("violet").records] == [image.id]
    with pytest.raises(UserError, match="not both"):
        vault.generations.generate("words", model="V_4", json_prompt=JSON_PROMPT)


def test_magic_prompt_round_trip(vault: Vault, fake: FakeServer) -> None:
    answer = vault.generations.magic_prompt("a red fox", "16:9")
    assert answer["aspect_ratio"] == "16x9"
    assert answer["json_prompt"]["high_level_description"].startswith("a red fox")
    (image,) = vault.generations.generate(model="V_4", json_prompt=answer["json_prompt"])
    assert image.prompt == answer["json_prompt"]["high_level_description"]
    for bad in ("7x2", "wide"):
        with pytest.raises(UserError):
            vault.generations.magic_prompt("x", bad)
    with pytest.raises(UserError):
        vault.generations.magic_prompt("  ")
    assert (
        vault.context.catalog.generations.list()[0].id == image.generation_id
    )  # nothing else stored


def test_describe_v4_keeps_the_json_prompt_searchable(vault: Vault, tmp_path: Path) -> None:
    source = tmp_path / "in.png"
    source.write_bytes(image_bytes(40, 30))
    result = vault.generations.describe(source, v4=V4Options(include_tags=True))
    assert result.json_prompt is not None and result.json_prompt["tags"]
    (entry,) = vault.images.get(result.image.id).descriptions or []
    assert entry["json_prompt"] == result.json_prompt and entry["format"] == "json_prompt"
    word = result.json_prompt["compositional_deconstruction"]["background"].split()[-1]
    assert word in entry["text"]
    assert result.image.id in [r.id for r in vault.images.search(word).records]
    gen = vault.context.catalog.generations.get(result.generation_id)
    assert gen.endpoint == "/v1/ideogram-v4/describe" and gen.cost_usd == pytest.approx(0.01)
    with pytest.raises(UserError, match="--v4 or --model-version"):
        vault.generations.describe(source, model_version="V_3", v4=V4Options())


def test_the_key_is_nowhere_in_the_catalog_or_the_blobs(
    vault: Vault, fake: FakeServer, vault_home: Path
) -> None:
    vault.generations.start("secret check", **FAST)
    vault.generations.generate(model="V_4", json_prompt=JSON_PROMPT)
    vault.generations.magic_prompt("x")
    with vault.context.catalog.engine.connect() as conn:
        for table in ("generations", "images"):
            rows = conn.execute(text(f"SELECT * FROM {table}")).fetchall()
            assert rows and TEST_API_KEY not in repr(rows)
    for path in vault_home.rglob("*"):
        if path.is_file() and path.suffix != ".db":
            assert TEST_API_KEY.encode() not in path.read_bytes()
