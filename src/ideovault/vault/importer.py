"""`import`: bring existing images into the vault — the seed's ``generations.json``, a folder
with ideovault sidecars or embedded metadata, or a folder of plain images.

Import is idempotent: an image whose bytes are already in the vault is skipped, so running it
twice adds nothing. Every skipped item is reported with why and where (its record number or its
path). A record is checked in full (``import_fields``) and its image decoded before any byte is
committed to the store, and bytes committed for a record the catalog then refuses are removed,
so a refused record never leaves an orphan file behind.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ideovault import ids, nesting
from ideovault.blobs import EXTENSIONS, Staged
from ideovault.catalog.records import GenerationRecord, NewImage, StoredInfo
from ideovault.errors import UserError
from ideovault.vault import actors, embed, people
from ideovault.vault.download import MAX_IMAGE_BYTES, CorruptImage, decode_staged
from ideovault.vault.import_fields import UNKNOWN_MODEL, RecordProblems, checked, checked_request
from ideovault.vault.import_sources import (
    Entry,
    camel_to_snake,
    folder_entries,
    open_regular,
    path_problem,
    seed_entries,
)
from ideovault.vault.presenting import sidecar_document
from ideovault.vault.tags import normalize_tags

if TYPE_CHECKING:
    from ideovault.vault.context import VaultContext

ALREADY = "already in the vault"


@dataclass
class ImportReport:
    imported: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "where: why"
    refused: int = 0  # skips that are problems (not images the vault already holds)

    def to_json(self) -> dict[str, Any]:
        return {"imported": self.imported, "skipped": self.skipped, "refused": self.refused}

    @property
    def failed(self) -> bool:
        """Nothing came in although something was offered that was not already here."""
        return not self.imported and self.refused > 0


def import_path(ctx: VaultContext, path: str | Path) -> ImportReport:
    source = Path(path).expanduser()
    if source.is_symlink():
        source = source.resolve()  # named by the user, so followed (links inside are not)
    problem = path_problem(source)
    if problem == "is a folder":
        entries = folder_entries(source)
    elif problem is None:
        entries = seed_entries(source)
    else:
        raise UserError(f"{source} {problem}; give a generations.json or a folder of images")
    report = ImportReport()
    for entry in entries:
        why = entry.problem or _import_one(ctx, entry, report)
        if why:
            report.skipped.append(f"{entry.label}: {why}")
            report.refused += not why.startswith(ALREADY)
    people.note(ctx, "image.import", report.imported, {"from": source.name[:100]})
    return report


def _import_one(ctx: VaultContext, entry: Entry, report: ImportReport) -> str | None:
    assert entry.file is not None
    if (problem := path_problem(entry.file)) is not None:
        return f"{entry.file.name} {problem}"
    try:
        fields = checked(entry.fields, seed_names=not entry.sidecar) if entry.fields else {}
        request = checked_request(entry.fields.get("_generation"))
    except RecordProblems as exc:  # before a byte is read
        return f"refused: {exc}"
    with ctx.store.stage() as staged:
        try:
            _copy(entry.file, staged)
        except OSError as exc:
            return f"cannot be read ({exc.strerror or exc})"
        except ValueError as exc:
            return str(exc)
        try:
            mime, width, height, phash = decode_staged(staged)
        except CorruptImage as exc:
            return str(exc).replace("the downloaded ", "the file's ")
        if ctx.catalog.images.find_by_sha256(staged.sha256):
            return f"{ALREADY} (same bytes)"
        if not entry.fields:
            try:
                fields = _embedded(staged)
            except RecordProblems as exc:
                return f"refused: its embedded record: {exc}"
        seed_record = bool(entry.fields) and not entry.sidecar  # the seed's sizeBytes is the file's
        if seed_record and fields.get("size_bytes", staged.size) != staged.size:
            return (
                f"refused: the record says {fields['size_bytes']} bytes but the file has "
                f"{staged.size} (a different or damaged file?)"
            )
        if "id" in fields and ctx.catalog.images.exists(fields["id"]):
            return f"{ALREADY} (same record id)"
        try:
            image, generation = _records(fields, request, entry.file)
        except (ValidationError, ValueError) as exc:
            return f"refused: {str(exc).splitlines()[0]}"
        blob = ctx.store.commit(staged, EXTENSIONS[mime])  # only now: the record is accepted
    info = StoredInfo(
        sha256=staged.sha256, size_bytes=staged.size, width=width, height=height, mime=mime,
        phash=phash, blob_key=blob.key, stored_uri=blob.uri,
        local_path=str(blob.local_path) if blob.local_path else None, stored_at=datetime.now(UTC),
    )  # fmt: skip
    try:
        stored = ctx.catalog.images.add_imported(generation, image, info)
    except BaseException:
        if not blob.existed and not ctx.catalog.maintenance.referenced_among({blob.key}):
            ctx.store.delete(blob.key)  # the catalog refused it: leave no orphan file
        raise
    ctx.store.upsert_sidecar(blob.key, stored.id, sidecar_document(stored, generation))
    report.imported.append(stored.id)
    return None


def _copy(file: Path, staged: Staged) -> None:
    with os.fdopen(open_regular(file), "rb") as fh:
        while chunk := fh.read(1024 * 1024):
            staged.write(chunk)
            if staged.size > MAX_IMAGE_BYTES:
                raise ValueError(f"larger than {MAX_IMAGE_BYTES // 2**20} MB: not an image")
    staged.finish()


def _embedded(staged: Staged) -> dict[str, Any]:
    """The record an ideovault export embedded in the file, checked like any other."""
    found = embed.read(staged.path.read_bytes())
    if not found:
        return {}
    if nesting.depth(found) > 8:  # a record is flat; a stored request a few levels deep
        raise RecordProblems("it nests too deeply to be an ideovault record")
    return checked(camel_to_snake(found), seed_names=False)


def _records(
    fields: dict[str, Any], request: dict[str, Any] | None, file: Path
) -> tuple[NewImage, GenerationRecord]:
    now = datetime.now(UTC)
    created_at = fields.get("created_at", now)
    image = NewImage(
        id=ids.new_id(), index=fields.get("index", 0), prompt=fields.get("prompt", ""),
        expanded_prompt=fields.get("expanded_prompt"),
        negative_prompt=fields.get("negative_prompt"),
        model=fields.get("model", UNKNOWN_MODEL), style_type=fields.get("style_type"),
        aspect_ratio=fields.get("aspect_ratio"), rendering_speed=fields.get("rendering_speed"),
        magic_prompt=fields.get("magic_prompt"), seed=fields.get("seed"),
        resolution=fields.get("resolution"), is_safe=fields.get("is_safe", True),
        original_url=fields.get("original_url"), url_expires_at=None,
        tags=normalize_tags([*fields.get("tags", ()), "imported"]), created_at=created_at,
        creator=actors.acting_name(),  # who brought it into this vault
    )  # fmt: skip
    original = fields.get("id")
    generation = GenerationRecord(
        id=ids.new_id(), endpoint="import", operation="import", model=image.model,
        request=request or {"imported_from": file.name, "original_id": original},
        fingerprint="import:" + str(original or file.name)[:56], status="answered",
        num_images=1, created_at=created_at, answered_at=now,
    )  # fmt: skip
    return image, generation
