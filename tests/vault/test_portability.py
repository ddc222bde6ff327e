"""Export (folder, zip, embedded metadata, a full disk) and import (seed JSON, folders)."""

from __future__ import annotations

import csv
import errno
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from ideogram_fake import FakeServer
from ideovault.config import load_settings
from ideovault.errors import IdeovaultError, UserError
from ideovault.vault import Vault, embed
from ideovault.vault.export import _Folder
from ideovault.vault.sending import SendOptions
from tests.vault.conftest import API_KEY


@pytest.fixture
def other_vault(tmp_path: Path, fake: FakeServer):
    settings = load_settings(home=tmp_path / "other", env={}).with_overrides(
        api_key=API_KEY, base_url=fake.base_url
    )
    with Vault.open(settings=settings) as v:
        yield v


def test_export_folder_with_manifests_and_embedded_records(vault: Vault, tmp_path: Path) -> None:
    records = vault.generations.generate(
        "export me <now>", num_images=2, seed=1, options=SendOptions(tags=("poster",))
    )
    vault.generations.generate("not exported", seed=2)
    report = vault.upkeep.export("tag:poster", tmp_path / "out", embed_metadata=True)
    assert report.exported == 2 and report.not_embedded == []
    lines = (tmp_path / "out" / "manifest.jsonl").read_text().splitlines()
    assert sorted(json.loads(line)["id"] for line in lines) == sorted(r.id for r in records)
    rows = list(csv.DictReader((tmp_path / "out" / "manifest.csv").open()))
    assert {r["prompt"] for r in rows} == {"export me <now>"} and rows[0]["tags"] == "poster"
    exported = (tmp_path / "out" / f"{records[0].id}.png").read_bytes()
    assert embed.read(exported)["prompt"] == "export me <now>"  # type: ignore[index]
    with Image.open(io.BytesIO(exported)) as im:
        im.verify()
    original = Path(records[0].local_path or "").read_bytes()
    assert Image.open(io.BytesIO(exported)).tobytes() == Image.open(io.BytesIO(original)).tobytes()


def test_export_zip(vault: Vault, tmp_path: Path) -> None:
    vault.generations.generate("zipped", num_images=2, seed=3)
    report = vault.upkeep.export("", tmp_path / "all.zip")
    with zipfile.ZipFile(tmp_path / "all.zip") as z:
        names = z.namelist()
    assert report.exported == 2 and "manifest.jsonl" in names and len(names) == 4
    assert not list(tmp_path.glob(".export-*"))


def test_full_disk_during_export(vault: Vault, tmp_path: Path, monkeypatch) -> None:
    vault.generations.generate("disk fills", num_images=3, seed=4)
    real, calls = _Folder.write, []

    def fill_up(self: _Folder, name: str, data: bytes) -> None:
        calls.append(name)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(self, name, data)

    monkeypatch.setattr(_Folder, "write", fill_up)
    with pytest.raises(IdeovaultError, match="disk is full") as info:
        vault.upkeep.export("", tmp_path / "out")
    assert "1 file(s) were complete" in str(info.value)
    assert not list((tmp_path / "out").glob(".export-*"))
    assert vault.upkeep.verify().ok  # nothing in the vault was touched


def test_round_trip_through_embedded_metadata(
    vault: Vault, other_vault: Vault, tmp_path: Path
) -> None:
    (record,) = vault.generations.generate(
        "travels with the file", seed=5, options=SendOptions(tags=("trip",))
    )
    vault.upkeep.export("", tmp_path / "out", embed_metadata=True)
    (tmp_path / "out" / "manifest.jsonl").unlink()
    report = other_vault.upkeep.import_path(tmp_path / "out")
    assert len(report.imported) == 1, report.skipped
    imported = other_vault.images.get(report.imported[0])
    assert imported.prompt == record.prompt and imported.seed == record.seed
    assert set(imported.tags) == {"trip", "imported"}
    assert other_vault.upkeep.import_path(tmp_path / "out").imported == []  # idempotent


def write_seed_json(folder: Path, vault: Vault) -> None:
    """generations.json the way the seed wrote it: camelCase, optional fields left out."""
    images = folder / "images"
    images.mkdir(parents=True)
    source = vault.generations.generate("seed era picture", num_images=2, seed=6)
    for r in source:
        shutil.copy(r.local_path or "", images / f"{r.id}.png")
    records = [
        {"id": "gen-1", "prompt": "seed era picture", "expandedPrompt": "seed era, detailed",
         "model": "V_2", "styleType": "DESIGN", "aspectRatio": "1x1", "seed": 6,
         "resolution": "1024x1024", "isSafe": True, "createdAt": "2025-03-01T10:00:00.000Z",
         "localPath": f"images/{source[0].id}.png", "tags": ["old"]},
        {"id": "gen-2", "prompt": "minimal record", "localPath": f"images/{source[1].id}.png",
         "createdAt": "2025-03-02T10:00:00Z"},
        {"id": "gen-3", "prompt": "escape attempt", "localPath": "../../etc/passwd"},
        {"id": "gen-4", "prompt": "file gone", "localPath": "images/missing.png"},
        {"id": "gen-5", "prompt": 42, "localPath": f"images/{source[0].id}.png"},
        "not even an object",
    ]  # fmt: skip
    (folder / "generations.json").write_text(json.dumps(records, indent=2))


def test_import_seed_generations_json(vault: Vault, other_vault: Vault, tmp_path: Path) -> None:
    write_seed_json(tmp_path / "seed", vault)
    report = other_vault.upkeep.import_path(tmp_path / "seed" / "generations.json")
    assert len(report.imported) == 2
    reasons = " | ".join(report.skipped)
    assert "outside the folder" in reasons and "missing" in reasons
    assert "record 5 (id gen-5): refused: prompt: must be text" in reasons  # before any read
    assert "record 6: a record must be a JSON object" in reasons
    first = other_vault.images.get(report.imported[0])
    assert first.model == "V_2" and first.style_type == "DESIGN" and first.seed == 6
    assert first.created_at.year == 2025 and set(first.tags) == {"old", "imported"}
    assert first.expanded_prompt == "seed era, detailed"
    again = other_vault.upkeep.import_path(tmp_path / "seed" / "generations.json")
    assert again.imported == []
    assert len(other_vault.images.list().records) == 2


def test_import_plain_images_and_sidecar_folders(
    vault: Vault, other_vault: Vault, tmp_path: Path
) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    Image.new("RGB", (64, 48), "blue").save(plain / "holiday.png")
    (plain / "notes.txt").write_text("not an image")
    (plain / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    report = other_vault.upkeep.import_path(plain)
    assert len(report.imported) == 1 and len(report.skipped) == 2  # every skip is reported
    assert "notes.txt: not an image file (.txt)" in report.skipped
    record = other_vault.images.get(report.imported[0])
    assert record.tags == ("imported",) and record.model == "unknown" and record.width == 64
    # A copy of another vault's blob store: sidecars carry the records.
    vault.generations.generate("from a sidecar", seed=7, options=SendOptions(tags=("kept",)))
    store_root = Path(
        str(vault.context.store.local_path("images/00/00/" + "0" * 64 + ".png"))
    ).parents[3]
    report = other_vault.upkeep.import_path(store_root / "images")
    imported = other_vault.images.get(report.imported[0])
    assert imported.prompt == "from a sidecar" and "kept" in imported.tags


@pytest.mark.parametrize(
    "content",
    [b'[{"prompt": "trunc', b"\xff\xfe garbage", b'{"not": "a list"}', b"null"],
)
def test_hostile_generation_files(other_vault: Vault, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "generations.json"
    path.write_bytes(content)
    with pytest.raises(UserError, match="nothing was imported"):
        other_vault.upkeep.import_path(path)
    assert other_vault.images.list().records == []


def test_100mb_of_junk(other_vault: Vault, tmp_path: Path) -> None:
    path = tmp_path / "generations.json"
    with path.open("wb") as fh:
        for _ in range(100):
            fh.write(b"\x07junk" * 209_716)
    with pytest.raises(UserError, match="not valid JSON"):
        other_vault.upkeep.import_path(path)
    with pytest.raises(UserError, match="does not exist"):
        other_vault.upkeep.import_path(tmp_path / "nope")
