"""The local blob store: content addressing, atomic visibility, sidecars, key safety."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ideovault.blobs import LocalBlobStore, key_for, open_store, sidecar_key
from ideovault.errors import UserError

DATA = b"\x89PNG\r\n\x1a\n" + os.urandom(200_000)
SHA = hashlib.sha256(DATA).hexdigest()


def put(store: LocalBlobStore, data: bytes = DATA, ext: str = "png"):
    with store.stage() as staged:
        for i in range(0, len(data), 65536):
            staged.write(data[i : i + 65536])
        return store.commit(staged, ext)


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and p.name != "sidecars.lock"]


def test_commit_stores_under_content_key(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    ref = put(store)
    assert ref.key == f"images/{SHA[:2]}/{SHA[2:4]}/{SHA}.png"
    assert (tmp_path / ref.key).read_bytes() == DATA
    assert ref.size == len(DATA) and not ref.existed
    assert store.exists(ref.key)
    with store.open(ref.key) as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == SHA
    # the staging area is empty again
    assert list((tmp_path / ".staging").glob("*.part")) == []


def test_identical_bytes_are_stored_once(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    first, second = put(store), put(store)
    assert first.key == second.key and second.existed
    assert list(store.iter_keys()) == [first.key]


def test_failure_midway_leaves_no_partial_file(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    with pytest.raises(RuntimeError), store.stage() as staged:
        staged.write(DATA[:1000])
        raise RuntimeError("connection lost")
    assert files_under(tmp_path) == []
    assert list(store.iter_keys()) == []


def test_killed_writer_leaves_no_visible_blob(tmp_path: Path) -> None:
    """A process killed mid-write leaves at most a temp file in staging, never a blob."""
    script = textwrap.dedent(
        f"""
        import os, signal
        from ideovault.blobs import LocalBlobStore
        store = LocalBlobStore({str(tmp_path)!r})
        with store.stage() as staged:
            staged.write(b"x" * 100_000)
            os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], check=False)
    assert proc.returncode == -9
    assert list(store_keys(tmp_path)) == []


def store_keys(root: Path):
    return LocalBlobStore(root).iter_keys()


def test_sidecar_keeps_every_record_sharing_a_blob(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    ref = put(store)
    store.upsert_sidecar(ref.key, "a", {"image": {"id": "a", "prompt": "<b>fox</b>"}})
    store.upsert_sidecar(ref.key, "b", {"image": {"id": "b"}})
    doc = store.read_sidecar(ref.key)
    assert doc is not None and set(doc["records"]) == {"a", "b"}
    assert doc["records"]["a"]["image"]["prompt"] == "<b>fox</b>"
    assert (tmp_path / sidecar_key(ref.key)).is_file()
    assert store.remove_from_sidecar(ref.key, "a") == 1
    assert store.remove_from_sidecar(ref.key, "b") == 0


def test_delete_removes_blob_and_sidecar(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    ref = put(store)
    store.upsert_sidecar(ref.key, "a", {})
    store.delete(ref.key)
    assert not store.exists(ref.key)
    assert store.read_sidecar(ref.key) is None


@pytest.mark.parametrize(
    "key", ["../etc/passwd", "/etc/passwd", "images/../../x.png", "images//x.png", "a\\b", ""]
)
def test_keys_cannot_escape_the_root(tmp_path: Path, key: str) -> None:
    store = LocalBlobStore(tmp_path)
    with pytest.raises(ValueError):
        store.open(key)
    with pytest.raises(ValueError):
        store.delete(key)


def test_key_for_rejects_non_digests() -> None:
    with pytest.raises(ValueError):
        key_for("../" + "a" * 61, "png")
    with pytest.raises(ValueError):
        key_for("a" * 64, "exe")


def test_open_store_by_url(tmp_path: Path) -> None:
    assert isinstance(open_store(tmp_path.as_uri()), LocalBlobStore)
    assert isinstance(open_store(str(tmp_path)), LocalBlobStore)
    with pytest.raises(UserError, match="not supported"):
        open_store("ftp://example/x")
