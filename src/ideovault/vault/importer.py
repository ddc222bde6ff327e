"""`import`: bring existing images into the vault — the seed's ``generations.json``, a folder
with ideovault sidecars or embedded metadata, or a folder of plain images.

Import is idempotent: an image whose bytes are already in the vault is skipped, so running it
twice adds nothing. Every skipped item is reported with why. Paths in a ``generations.json``
must stay inside its folder; anything pointing elsewhere is refused.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ideovault import ids
from ideovault.blobs import EXTENSIONS
from ideovault.catalog import imports
from ideovault.catalog.records import GenerationRecord, NewImage, StoredInfo
from ideovault.errors import UserError
from ideovault.vault import embed
from ideovault.vault.download import CorruptImage, decode_staged
from ideovault.vault.tags import normalize_tags

if TYPE_CHECKING:
    from ideovault.vault.core import Vault

MAX_JSON_BYTES = 512 * 1024 * 1024
MAX_IMAGE_BYTES = 200 * 1024 * 1024
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
SUFFIXES = {".png", ".jpg", ".jpeg", ".webp"}


@dataclass
class ImportReport:
    imported: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "what: why"

    def to_json(self) -> dict[str, Any]:
        return {"imported": self.imported, "skipped": self.skipped}


def _snake(data: dict[str, Any]) -> dict[str, Any]:
    return {_CAMEL.sub("_", k).lower(): v for k, v in data.items()}


def _seed_entries(path: Path) -> Iterator[tuple[str, dict[str, Any], Path | None]]:
    if path.stat().st_size > MAX_JSON_BYTES:
        raise UserError(
            f"{path} is larger than {MAX_JSON_BYTES // 2**20} MB; not a generations file"
        )
    try:
        data = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError) as exc:
        raise UserError(f"{path} is not valid JSON ({exc}); nothing was imported") from None
    if isinstance(data, dict):
        data = data.get("generations", data.get("records"))
    if not isinstance(data, list):
        raise UserError(f"{path} holds no list of generation records; nothing was imported")
    root = path.parent.resolve()
    for n, raw in enumerate(data, 1):
        label = f"{path.name} entry {n}"
        if not isinstance(raw, dict):
            yield label, {}, None
            continue
        entry = _snake(raw)
        local = entry.get("local_path") or entry.get("file")
        file = None
        if isinstance(local, str) and local:
            candidate = (root / local).resolve()
            file = candidate if candidate.is_relative_to(root) else Path("/outside")
        yield label, entry, file


def _folder_entries(path: Path) -> Iterator[tuple[str, dict[str, Any], Path | None]]:
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        if file.suffix.lower() not in SUFFIXES or file.is_symlink():
            continue
        sidecar = file.with_suffix(".json")
        entry: dict[str, Any] = {}
        if sidecar.is_file():
            try:
                doc = json.loads(sidecar.read_text("utf-8"))
                records = list((doc.get("records") or {}).values())
                entry = dict(records[0].get("image", {})) if records else {}
                entry["_generation"] = records[0].get("generation") if records else None
            except (ValueError, AttributeError, IndexError, UnicodeDecodeError):
                entry = {}
        yield str(file.relative_to(path)), entry, file


def import_path(vault: Vault, path: str | Path) -> ImportReport:
    source = Path(path).expanduser()
    if not source.exists():
        raise UserError(f"{source} does not exist")
    entries = _folder_entries(source) if source.is_dir() else _seed_entries(source)
    report = ImportReport()
    for label, entry, file in entries:
        why = _import_one(vault, entry, file, report)
        if why:
            report.skipped.append(f"{label}: {why}")
    return report


def _import_one(
    vault: Vault, entry: dict[str, Any], file: Path | None, report: ImportReport
) -> str | None:
    if file is None:
        return "no image file named (localPath)"
    if str(file) == "/outside":
        return "its path points outside the folder being imported; refused"
    if not file.is_file():
        return f"file {file.name} is missing"
    if file.stat().st_size > MAX_IMAGE_BYTES:
        return "file is too large to be an image"
    with vault.store.stage() as staged:
        with file.open("rb") as fh:
            while chunk := fh.read(1024 * 1024):
                staged.write(chunk)
        staged.finish()
        try:
            mime, width, height, phash = decode_staged(staged)
        except CorruptImage as exc:
            return str(exc)
        if imports.find_by_sha256(vault.catalog, staged.sha256):
            return "already in the vault (same bytes)"
        if not entry:
            entry = _snake(embed.read(staged.path.read_bytes()) or {})
        if isinstance(entry.get("id"), str) and imports.has_image(vault.catalog, entry["id"]):
            return "already in the vault (same record id)"
        try:  # before the bytes are committed: a bad record must not leave an orphan file
            record, generation = _records(vault, entry, file)
        except (ValidationError, ValueError, TypeError, UserError) as exc:
            return f"its record is not usable ({str(exc).splitlines()[0]})"
        blob = vault.store.commit(staged, EXTENSIONS[mime])
    info = StoredInfo(
        sha256=staged.sha256, size_bytes=staged.size, width=width, height=height, mime=mime,
        phash=phash, blob_key=blob.key, stored_uri=blob.uri,
        local_path=str(blob.local_path) if blob.local_path else None, stored_at=datetime.now(UTC),
    )  # fmt: skip
    stored = imports.import_image(vault.catalog, generation, record, info)
    vault.store.upsert_sidecar(blob.key, stored.id, vault.sidecar_document(stored, generation))
    report.imported.append(stored.id)
    return None


def _records(vault: Vault, entry: dict[str, Any], file: Path) -> tuple[NewImage, GenerationRecord]:
    now = datetime.now(UTC)
    created = entry.get("created_at")
    created_at = datetime.fromisoformat(created.replace("Z", "+00:00")) if created else now
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=UTC)
    tags = normalize_tags([*(entry.get("tags") or []), "imported"])
    prompt = entry.get("prompt") or ""
    if not isinstance(prompt, str):
        raise ValueError("prompt is not text")
    image = NewImage(
        id=ids.new_id(), index=int(entry.get("index") or 0), prompt=prompt,
        expanded_prompt=entry.get("expanded_prompt"), negative_prompt=entry.get("negative_prompt"),
        model=str(entry.get("model") or "unknown"), style_type=entry.get("style_type"),
        aspect_ratio=entry.get("aspect_ratio"), rendering_speed=entry.get("rendering_speed"),
        magic_prompt=entry.get("magic_prompt"), seed=entry.get("seed"),
        resolution=entry.get("resolution"), is_safe=bool(entry.get("is_safe", True)),
        original_url=entry.get("original_url"), url_expires_at=None, tags=tags,
        created_at=created_at,
    )  # fmt: skip
    source_gen = entry.get("_generation")
    request = source_gen.get("request") if isinstance(source_gen, dict) else None
    generation = GenerationRecord(
        id=ids.new_id(), endpoint="import", operation="import", model=image.model,
        request=request if isinstance(request, dict) else
        {"imported_from": file.name, "original_id": entry.get("id")},
        fingerprint="import:" + str(entry.get("id") or file.name)[:56], status="answered",
        num_images=1, created_at=created_at, answered_at=now,
    )  # fmt: skip
    return image, generation
