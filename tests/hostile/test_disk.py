"""The disk as hostile input: a full blob store (a real 8 MB tmpfs where mounting is
permitted, else skipped), and ENOSPC injected at the blob store's and the catalog's OS-call
boundary for the moments a real disk cannot be made to fail on cue (between a blob and its
sidecar; the catalog's own write). After the API has answered, the answer is never lost:
images stay pending with the reason, no half-written file is left for ``verify`` to count,
and ``recover`` finishes them once there is room."""

from __future__ import annotations

import errno
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy.exc

from ideovault.blobs.local import LocalBlobStore
from ideovault.catalog.generations import GenerationRepository
from ideovault.catalog.images import ImageRepository
from tests.hostile.conftest import Hostile


def _enospc(*_args: object, **_kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def _catalog_full(*_args: object, **_kwargs: object) -> None:
    raise sqlalchemy.exc.OperationalError(
        "UPDATE images", {}, Exception("database or disk is full")
    )


def _records(hostile: Hostile) -> list[dict[str, object]]:
    listed = hostile.run("list", "--json", channel="setup")
    return list(json.loads(listed.out))


def _staging_is_empty(store: Path) -> bool:
    staging = store / ".staging"
    return not any(p.suffix == ".part" for p in staging.iterdir()) if staging.exists() else True


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "small-disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8M", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root and mount permission)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True, check=False)


def test_a_really_full_store_leaves_images_pending_and_recover_finishes_them(
    hostile: Hostile, small_disk: Path
) -> None:
    store = small_disk / "blobs"
    env = {"IDEOVAULT_STORAGE_URL": str(store)}
    assert hostile.run("list", channel="setup", env=env).code == 0  # makes the store's folders
    filler = small_disk / "filler"
    with filler.open("wb", buffering=0) as fh:  # fill the disk to the last block
        try:
            while True:
                fh.write(b"\0" * 4096)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    result = hostile.run(
        "generate", "a fox on a full disk", "-n", "2", "--json", channel="disk", env=env
    )
    assert result.code in (0, 1)
    records = _records(hostile)
    assert [r["status"] for r in records] == ["pending", "pending"]
    assert all("No space left" in str(r.get("error")) for r in records), records
    assert _staging_is_empty(store)
    assert hostile.run("verify", channel="disk", env=env).code == 0
    filler.unlink()
    assert hostile.run("recover", channel="disk", env=env).code == 0
    assert {r["status"] for r in _records(hostile)} == {"stored"}
    assert hostile.run("verify", channel="disk", env=env).code == 0


def test_no_room_for_the_sidecar_takes_the_blob_back(
    hostile: Hostile, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(LocalBlobStore, "_write_sidecar", _enospc)
        result = hostile.run("generate", "a fox", "-n", "2", channel="disk")
    assert result.code in (0, 1)
    records = _records(hostile)
    assert [r["status"] for r in records] == ["pending", "pending"]
    assert all("sidecar" in str(r["error"]) and "recover" in str(r["error"]) for r in records)
    blobs = hostile.home / "blobs" / "images"
    assert not blobs.exists() or not any(p.is_file() for p in blobs.rglob("*"))
    assert hostile.run("verify", channel="disk").code == 0
    assert hostile.run("recover", channel="disk").code == 0
    assert {r["status"] for r in _records(hostile)} == {"stored"}


def test_a_full_catalog_while_storing_names_recover_and_loses_nothing(
    hostile: Hostile, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(ImageRepository, "mark_stored", _catalog_full)
        result = hostile.run("generate", "a fox", channel="disk")
    assert result.code == 1
    assert "catalog could not be written" in result.err and "ideovault recover" in result.err
    assert [r["status"] for r in _records(hostile)] == ["pending"]
    assert hostile.run("verify", channel="disk").code == 0  # the blob was taken back
    (pending,) = _records(hostile)
    assert pending["original_url"]  # the answer is kept: recover fetches it once this
    # process has exited (it leaves a live process's downloads alone)


def test_a_full_catalog_when_the_answer_arrives_prints_the_answer(
    hostile: Hostile, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(GenerationRepository, "record_response", _catalog_full)
        result = hostile.run("generate", "a fox", "-n", "2", channel="disk")
    assert result.code == 1
    assert "may have been charged" in result.err and "ideovault recover" in result.err
    assert result.err.count("http://") >= 2  # both image links, the only copy of the answer
    assert _records(hostile) == []
    assert hostile.run("verify", channel="disk").code == 0


@pytest.mark.parametrize(
    "command", [("list",), ("search", "fox"), ("verify",), ("report",), ("tag", "0000", "+x")]
)
def test_a_catalog_that_fails_every_read_is_an_error_not_a_bug(
    hostile: Hostile, monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...]
) -> None:
    import sqlalchemy.engine

    with monkeypatch.context() as patch:
        patch.setattr(sqlalchemy.engine.Connection, "execute", _catalog_full)
        result = hostile.run(*command, channel="disk")
    assert result.code in (1, 2) and result.err.startswith("error:")
