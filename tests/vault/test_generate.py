"""The whole path of one generation: API call, catalog rows, downloads, blobs, sidecars."""

from __future__ import annotations

import errno
import hashlib
from pathlib import Path

import pytest

from ideogram_fake import FakeServer
from ideovault.api.errors import OutcomeUnknown, SafetyRejected
from ideovault.blobs.base import Staged
from ideovault.catalog.records import GenerationStatus, ImageStatus
from ideovault.errors import UserError
from ideovault.vault import Vault
from ideovault.vault.sending import SendOptions
from tests.vault.conftest import API_KEY

CONTRACT_KEYS = {
    "id", "generation_id", "prompt", "expanded_prompt", "negative_prompt", "model", "style_type",
    "aspect_ratio", "rendering_speed", "magic_prompt", "seed", "resolution", "is_safe",
    "original_url", "stored_uri", "local_path", "sha256", "size_bytes", "width", "height",
    "status", "tags", "starred", "parent_id", "created_at",
}  # fmt: skip


def assert_stored_intact(vault: Vault, record_id: str) -> None:
    record = vault.images.get(record_id)
    assert record.status == ImageStatus.STORED, record.error
    assert record.local_path is not None
    data = Path(record.local_path).read_bytes()
    assert hashlib.sha256(data).hexdigest() == record.sha256
    assert len(data) == record.size_bytes
    w, h = (int(x) for x in (record.resolution or "").split("x"))
    assert (record.width, record.height) == (w, h)


def test_v3_generation_stores_every_image(vault: Vault, fake: FakeServer) -> None:
    records = vault.generations.generate(
        "a red fox under a neon sign",
        num_images=3,
        aspect_ratio="16:9",
        seed=7,
        options=SendOptions(tags=("Poster",)),
    )
    assert len(records) == 3
    for r in records:
        assert_stored_intact(vault, r.id)
        assert r.tags == ("poster",)
        assert r.seed == 7 and r.aspect_ratio == "16x9" and r.model == "V_3"
        assert (r.width, r.height) == (1312, 736)
        sidecar = vault.context.store.read_sidecar(r.blob_key or "")
        assert sidecar is not None and r.id in sidecar["records"]
        assert sidecar["records"][r.id]["generation"]["request"]["prompt"] == r.prompt
    assert len({r.sha256 for r in records}) == 3  # index changes the pixels
    assert set(records[0].to_json()) >= CONTRACT_KEYS
    assert records[0].to_json()["created_at"].endswith("Z")
    assert fake.stats()["generate_calls"] == 1


def test_legacy_generation(vault: Vault) -> None:
    (record,) = vault.generations.generate(
        "isometric cafe", model="V_2", aspect_ratio="ASPECT_4_3", seed=3
    )
    assert_stored_intact(vault, record.id)
    assert record.model == "V_2" and record.resolution == "1152x864"
    gen = vault.context.catalog.generations.get(record.generation_id)
    assert gen.endpoint == "/generate" and gen.status == GenerationStatus.ANSWERED


def test_magic_prompt_expansion_is_kept(vault: Vault) -> None:
    (record,) = vault.generations.generate("a cat", magic_prompt="ON", seed=1)
    assert record.prompt == "a cat"
    assert record.expanded_prompt and record.expanded_prompt.startswith("a cat")


def test_unsafe_image_is_recorded_and_the_rest_stored(vault: Vault) -> None:
    records = vault.generations.generate("robot gardener UNSAFE_IMAGE", num_images=3)
    statuses = [r.status for r in records]
    assert statuses == [ImageStatus.STORED, ImageStatus.STORED, ImageStatus.UNSAFE]
    assert records[-1].is_safe is False and records[-1].original_url is None


def test_unsafe_prompt_is_refused_and_recorded(vault: Vault) -> None:
    with pytest.raises(SafetyRejected, match="safety"):
        vault.generations.generate("UNSAFE_PROMPT please")
    (gen,) = vault.context.catalog.generations.list()
    assert gen.status == GenerationStatus.FAILED and gen.error and "safety" in gen.error
    assert vault.context.catalog.generations.unanswered() == []
    assert vault.images.list().records == []


def test_truncated_download_is_retried(vault: Vault, fake: FakeServer) -> None:
    fake.inject("truncate", times=1)
    (record,) = vault.generations.generate("truncated once", seed=5)
    assert_stored_intact(vault, record.id)
    assert fake.stats()["downloads"] == 2


def test_corrupt_downloads_stay_pending_then_recover(vault: Vault, fake: FakeServer) -> None:
    fake.inject("corrupt", times=3)
    (record,) = vault.generations.generate("corrupt thrice", seed=5)
    assert record.status == ImageStatus.PENDING
    assert record.error and "does not decode" in record.error
    assert list(vault.context.store.iter_keys()) == []  # nothing half-stored
    report = vault.upkeep.recover()
    assert [r.id for r in report.stored] == [record.id]
    assert_stored_intact(vault, record.id)


def test_expired_link_marks_the_image_expired(vault: Vault, fake: FakeServer) -> None:
    fake.inject("expire", times=1)
    (record,) = vault.generations.generate("too late", seed=9)
    assert record.status == ImageStatus.EXPIRED
    assert record.error and "expired" in record.error


def test_dropped_connection_is_recorded_as_unknown(vault: Vault, fake: FakeServer) -> None:
    fake.inject("drop", times=1)
    with pytest.raises(OutcomeUnknown):
        vault.generations.generate("dropped", seed=1)
    assert fake.stats()["generate_calls"] == 1  # never re-sent: it may have been charged
    (row,) = vault.context.catalog.generations.list()
    assert row.status == GenerationStatus.UNKNOWN
    assert row.error and "may have run and been charged" in row.error


def test_rate_limit_and_unavailable_are_retried(vault: Vault, fake: FakeServer) -> None:
    fake.inject("rate_limit", times=1, retry_after=0.05)
    fake.inject("unavailable", times=1)
    (record,) = vault.generations.generate("busy server", seed=2)
    assert record.status == ImageStatus.STORED


def test_identical_images_share_one_blob(vault: Vault) -> None:
    (a,) = vault.generations.generate("same picture", seed=11)
    (b,) = vault.generations.generate("same picture", seed=11, options=SendOptions(force=True))
    assert a.id != b.id and a.sha256 == b.sha256 and a.blob_key == b.blob_key
    assert list(vault.context.store.iter_keys()) == [a.blob_key]
    sidecar = vault.context.store.read_sidecar(a.blob_key or "")
    assert sidecar is not None and set(sidecar["records"]) == {a.id, b.id}


def test_bad_input_costs_no_call(vault: Vault, fake: FakeServer) -> None:
    for bad in ({"num_images": 99}, {"model": "V_9"}, {"seed": -1}, {"style_type": "NOPE"}):
        with pytest.raises(UserError):
            vault.generations.generate("x", **bad)
    with pytest.raises(UserError):
        vault.generations.generate("x", options=SendOptions(tags=("",)))
    assert fake.stats()["generate_calls"] == 0
    assert vault.images.list().records == []


def test_full_disk_leaves_the_image_pending(
    vault: Vault, fake: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_space(self: Staged, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Staged, "write", no_space)
    (record,) = vault.generations.generate("disk full", seed=4)
    assert record.status == ImageStatus.PENDING
    assert record.error and "No space left" in record.error
    assert list(vault.context.store.iter_keys()) == []
    monkeypatch.undo()
    report = vault.upkeep.recover()
    assert [r.id for r in report.stored] == [record.id]


def test_api_key_is_written_nowhere(vault: Vault, vault_home: Path, fake: FakeServer) -> None:
    vault.generations.generate("keep my secret", num_images=2, options=SendOptions(tags=("t",)))
    fake.inject("drop", times=1)
    with pytest.raises(OutcomeUnknown) as info:
        vault.generations.generate("dropped again")
    assert API_KEY not in str(info.value)
    vault.close()
    for path in vault_home.rglob("*"):
        if path.is_file():
            assert API_KEY.encode() not in path.read_bytes(), path
