"""Hostile import input: wrong types, odd values, deep JSON and paths that are not files.

Each bad record is refused with its position and the field at fault, nothing is misread, and no
byte reaches the blob store for a record that was refused (no orphan for `verify` to find).
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ideogram_fake import FakeServer
from ideovault.api.text import has_control
from ideovault.config import load_settings
from ideovault.errors import UserError
from ideovault.vault import Vault
from tests.vault.conftest import API_KEY
from tests.vault.seed_files import png, seed_folder, seed_record, write_generations


def blob_files(vault: Vault) -> list[str]:
    """Image files in the store, and anything left half-way in its staging folder."""
    staging = [p.name for p in vault.context.store.staging_dir.glob("*") if p.suffix != ".lock"]
    return sorted(vault.context.store.iter_keys()) + staging


def one_bad_field(vault: Vault, tmp_path: Path, **changes: Any) -> str:
    """Import one seed record with ``changes`` (camelCase keys; None removes the key); the
    reason it was refused."""
    folder = seed_folder(tmp_path)
    record = {**seed_record(folder, 1, "a fox"), **changes}
    record = {k: v for k, v in record.items() if v is not None}
    report = vault.upkeep.import_path(write_generations(folder, [record]))
    assert report.imported == [] and report.failed, report.skipped
    assert vault.images.list().records == []
    assert blob_files(vault) == []  # nothing stored, no orphan
    (reason,) = report.skipped
    assert reason.startswith("generations.json record 1"), reason
    return reason


WRONG_VALUES = [
    ("createdAt", 1740000000, "createdAt: must be text"),
    ("createdAt", "yesterday", "not an ISO 8601"),
    ("createdAt", "2025-13-45T99:00:00Z", "not an ISO 8601"),
    ("seed", 10**30, "seed: must be between 0 and 2147483647"),
    ("seed", -1, "seed: must be between"),
    ("seed", 1.5, "seed: must be a whole number"),
    ("seed", True, "seed: must be a whole number"),
    ("seed", "42", "seed: must be a whole number"),
    ("isSafe", "false", "isSafe: must be true or false"),
    ("isSafe", 0, "isSafe: must be true or false"),
    ("isSafe", "true", "isSafe: must be true or false"),
    ("tags", "abc", "tags: must be a list of text"),
    ("tags", [1, 2], "tags: must be a list of text"),
    ("tags", [["nested"]], "tags: must be a list of text"),
    ("tags", {"a": 1}, "tags: must be a list of text"),
    ("tags", ["a,b"], "comma"),
    ("tags", ["\x1b[31mred"], "control characters"),
    ("tags", [""], "cannot be empty"),
    ("tags", ["x" * 65], "longer than"),
    ("prompt", 42, "prompt: must be text"),
    ("prompt", ["a"], "prompt: must be text"),
    ("prompt", "nul\x00inside", "control characters"),
    ("prompt", "clear \x1b[2J screen", "control characters"),
    ("prompt", "csi \x9b31m", "control characters"),
    ("prompt", "carriage\rreturn", "control characters"),
    ("prompt", "next\x85line", "control characters"),
    ("prompt", "line\u2028separator", "control characters"),
    ("prompt", "bell\x07", "control characters"),
    ("prompt", "p" * 10_001, "10001 characters"),
    ("expandedPrompt", {"a": 1}, "expandedPrompt: must be text"),
    ("expandedPrompt", "esc\x1b]0;title\x07", "control characters"),
    ("negativePrompt", ["no"], "negativePrompt: must be text"),
    ("model", "V_9", "model: 'V_9' is not one of"),
    ("model", 3, "model: must be text"),
    ("styleType", "PHOTO", "styleType: 'PHOTO' is not one of"),
    ("styleType", False, "styleType: must be text"),
    ("aspectRatio", "wide", "aspect ratio 'wide' is not of the form"),
    ("aspectRatio", 1.77, "aspectRatio: must be text"),
    ("resolution", "big", "resolution 'big' is not of the form"),
    ("originalUrl", "javascript:alert(1)", "originalUrl: must be an http(s) link"),
    ("originalUrl", 7, "originalUrl: must be text"),
    ("sizeBytes", "12", "sizeBytes: must be a whole number"),
    ("sizeBytes", -1, "sizeBytes: must be between"),
    ("sizeBytes", 12, "the record says 12 bytes"),
    ("id", 5, "id: must be text"),
    ("storedPath", 5, "storedPath must be a file path, not a number"),
    ("storedPath", "", "storedPath must be a file path"),
    ("storedPath", "a\x00b.png", "NUL"),
    ("storedPath", "../../../etc/passwd", "outside the folder"),
]


@pytest.mark.parametrize(("key", "value", "expected"), WRONG_VALUES)
def test_each_wrong_value_is_refused_with_its_field(
    vault: Vault, tmp_path: Path, key: str, value: Any, expected: str
) -> None:
    assert expected in one_bad_field(vault, tmp_path, **{key: value})


def test_every_problem_of_a_record_is_named_at_once(vault: Vault, tmp_path: Path) -> None:
    reason = one_bad_field(vault, tmp_path, seed=10**30, isSafe="false", tags="abc")
    assert "seed:" in reason and "isSafe:" in reason and "tags:" in reason


def test_missing_optional_fields_and_nulls_are_fine(vault: Vault, tmp_path: Path) -> None:
    folder = seed_folder(tmp_path)
    record = seed_record(folder, 1, "only the basics")
    bare = {"prompt": record["prompt"], "storedPath": record["storedPath"], "tags": None,
            "expandedPrompt": None, "seed": None}  # fmt: skip
    report = vault.upkeep.import_path(write_generations(folder, [bare]))
    (image,) = (vault.images.get(i) for i in report.imported)
    assert image.seed is None and image.model == "unknown" and image.tags == ("imported",)


def test_good_records_survive_bad_neighbours(vault: Vault, tmp_path: Path) -> None:
    folder = seed_folder(tmp_path)
    records: list[Any] = [seed_record(folder, n, f"fine {n}") for n in range(1, 4)]
    records[1]["seed"] = 10**30
    records.insert(0, 17)
    records.append([])
    report = vault.upkeep.import_path(write_generations(folder, records))
    assert len(report.imported) == 2 and report.refused == 3 and not report.failed
    positions = [s.split(":")[0] for s in report.skipped]
    assert positions[0] == "generations.json record 1" and "record 3 (id" in positions[1]
    assert positions[2] == "generations.json record 5"
    assert len(blob_files(vault)) == 2


@pytest.mark.parametrize(
    "content",
    [b"[" * 100_000 + b"]" * 100_000, b'{"generations": ' + b"[" * 5000 + b"]" * 5000 + b"}",
     b"[" + b'{"a":' * 70 + b"1" + b"}" * 70 + b"]"],
)  # fmt: skip
def test_deep_json_is_refused_not_a_crash(vault: Vault, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "generations.json"
    path.write_bytes(content)
    with pytest.raises(UserError, match="nests deeper than 64 levels"):
        vault.upkeep.import_path(path)


def test_deep_sidecar_refuses_its_image_only(vault: Vault, tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "deep.png").write_bytes(png(1))
    (folder / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (folder / "fine.png").write_bytes(png(2))
    (folder / "odd.png").write_bytes(png(3))
    (folder / "odd.json").write_text(json.dumps({"records": {"x": {"image": {"seed": 10**30}}}}))
    (folder / "int.png").write_bytes(png(4))
    (folder / "int.json").write_text(json.dumps({"records": {"x": {"image": 5}}}))
    report = vault.upkeep.import_path(folder)
    assert len(report.imported) == 1
    deep, integer, odd = report.skipped
    assert deep.startswith("deep.png: its sidecar deep.json nests deeper")
    assert integer == "int.png: its sidecar int.json holds no ideovault record"
    assert odd.startswith("odd.png: refused: seed: must be between")
    assert len(blob_files(vault)) == 1


@pytest.fixture
def odd_folder(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "odd"
    (folder / "sub" / "deeper").mkdir(parents=True)
    (folder / "real.png").write_bytes(png(1))
    (folder / "sub" / "deeper" / "nested.png").write_bytes(png(2))
    (tmp_path / "outside.png").write_bytes(png(3))
    (folder / "link.png").symlink_to(tmp_path / "outside.png")
    (folder / "linked-folder").symlink_to(tmp_path)
    os.mkfifo(folder / "pipe.png")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(folder / "sock.png"))
    (folder / "readme.txt").write_text("notes")
    yield folder
    sock.close()


def test_every_path_that_is_not_a_file_is_reported(vault: Vault, odd_folder: Path) -> None:
    report = vault.upkeep.import_path(odd_folder)
    assert sorted(vault.images.get(i).width for i in report.imported) == [32, 32]  # real and nested
    reasons = dict(s.split(": ", 1) for s in report.skipped)
    assert "symbolic link" in reasons["link.png"]
    assert "symbolic link" in reasons["linked-folder"]
    assert "FIFO" in reasons["pipe.png"] and "socket" in reasons["sock.png"]
    assert "not an image file" in reasons["readme.txt"]
    assert len(reasons) == 5 and vault.images.list(limit=10).records[0].prompt == ""


@pytest.mark.parametrize("kind", ["fifo", "socket", "missing"])
def test_the_named_path_itself_is_checked_before_it_is_opened(
    vault: Vault, tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "generations.json"
    if kind == "fifo":
        os.mkfifo(path)  # opening it would block for ever
    elif kind == "socket":
        socket.socket(socket.AF_UNIX).bind(str(path))
    with pytest.raises(UserError, match={"fifo": "FIFO", "socket": "socket",
                                         "missing": "does not exist"}[kind]):  # fmt: skip
        vault.upkeep.import_path(path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_file_is_reported_not_a_crash(vault: Vault, tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    (folder / "secret.png").write_bytes(png(1))
    (folder / "secret.png").chmod(0)
    report = vault.upkeep.import_path(folder)
    assert report.skipped == ["secret.png: cannot be read (permission denied)"]
    (folder / "generations.json").write_text("[]")
    (folder / "generations.json").chmod(0)
    with pytest.raises(UserError, match="permission denied"):
        vault.upkeep.import_path(folder / "generations.json")


# -- generated records: whatever a file holds, import never crashes, never misreads ----------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=3),
    max_leaves=6,
)  # fmt: skip
FIELDS = ["id", "prompt", "expandedPrompt", "negativePrompt", "model", "styleType",
          "aspectRatio", "seed", "resolution", "isSafe", "originalUrl", "createdAt",
          "sizeBytes", "tags"]  # fmt: skip


@pytest.fixture
def sqlite_vault(tmp_path: Path, fake: FakeServer) -> Iterator[Vault]:
    settings = load_settings(home=tmp_path / "hypo", env={}).with_overrides(
        api_key=API_KEY, base_url=fake.base_url
    )
    with Vault.open(settings=settings) as v:
        yield v


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(changes=st.dictionaries(st.sampled_from(FIELDS), JSON_VALUES, min_size=1, max_size=4))
def test_generated_records_are_imported_faithfully_or_refused(
    sqlite_vault: Vault, tmp_path_factory: pytest.TempPathFactory, changes: dict[str, Any]
) -> None:
    vault = sqlite_vault
    before = len(blob_files(vault))
    folder = seed_folder(tmp_path_factory.mktemp("gen"))
    # new bytes each time, so no duplicate skip
    shade = len(vault.images.list(limit=1000).records) + 100
    record = {**seed_record(folder, shade, "generated"), **changes}
    report = vault.upkeep.import_path(write_generations(folder, [record]))
    assert len(report.imported) + len(report.skipped) == 1
    assert len(blob_files(vault)) == before + len(report.imported)  # never an orphan
    if not report.imported:
        assert report.skipped[0].startswith("generations.json record 1")
        return
    image = vault.images.get(report.imported[0])
    for text in (image.prompt, image.expanded_prompt or "", image.negative_prompt or ""):
        assert not has_control(text.replace("\n", "").replace("\t", ""))
    given_safe = record.get("isSafe")
    assert image.is_safe is (True if given_safe is None else given_safe)  # never coerced
    tags = record.get("tags")
    assert tags is None or isinstance(tags, list)
    assert image.seed is None or 0 <= image.seed <= 2_147_483_647
