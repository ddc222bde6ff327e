"""`storage migrate`: copy every blob and sidecar to another store, prove each copy, switch.

Each copy streams from the old store into the new one through a staged blob that hashes it,
and is accepted only if the hash equals the sha256 in its key. Blobs already present in the
target with the right hash are skipped, so an interrupted migration resumes where it stopped.
Only when every blob is safely copied does the vault switch: the records' ``stored_uri`` are
rewritten and ``storage_url`` is set in ``ideovault.toml``. The old store is never changed.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ideovault.blobs import BlobStore, open_store
from ideovault.config import CONFIG_FILE
from ideovault.errors import IdeovaultError, UserError

if TYPE_CHECKING:
    from ideovault.vault.context import VaultContext

CHUNK = 1024 * 1024


@dataclass
class MigrateReport:
    copied: int = 0
    already_there: int = 0
    bytes: int = 0
    switched_to: str | None = None
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return self.__dict__.copy()


def _target_has(target: BlobStore, key: str) -> bool:
    if not target.exists(key):
        return False
    digest = hashlib.sha256()
    with target.open(key) as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest() == key.rsplit("/", 1)[-1].split(".")[0]


def _copy(source: BlobStore, target: BlobStore, key: str) -> int:
    expected, ext = key.rsplit("/", 1)[-1].split(".")
    with target.stage() as staged, source.open(key) as fh:
        while chunk := fh.read(CHUNK):
            staged.write(chunk)
        staged.finish()
        if staged.sha256 != expected:
            raise IdeovaultError(
                f"{key} in the old store does not match its checksum; run `ideovault verify` "
                "there first. Nothing was switched."
            )
        target.commit(staged, ext)
        return staged.size


def _set_storage_url(ctx: VaultContext, url: str) -> None:
    path = ctx.settings.home / CONFIG_FILE
    text = path.read_text("utf-8") if path.exists() else ""
    line = f"storage_url = {json.dumps(url)}"
    if re.search(r"(?m)^storage_url\s*=", text):  # a function: a backslash stays a backslash
        text = re.sub(r"(?m)^storage_url\s*=.*$", lambda _match: line, text)
    else:
        text = line + "\n" + text  # top-level keys must precede any [table]
    path.write_text(text, "utf-8")


def migrate(ctx: VaultContext, to: str) -> MigrateReport:
    if not to.strip():  # an empty path is the current folder: never a place meant for blobs
        raise UserError("--to names the new store: s3://bucket/prefix, file:///path or a folder")
    target = open_store(to)
    if target.url == ctx.store.url:
        raise UserError(f"the vault already stores its blobs at {target.url}")
    report = MigrateReport()
    for key in ctx.store.iter_keys():
        if _target_has(target, key):
            report.already_there += 1
        else:
            report.bytes += _copy(ctx.store, target, key)
            report.copied += 1
        sidecar = ctx.store.read_sidecar(key)
        for record_id, doc in ((sidecar or {}).get("records") or {}).items():
            target.upsert_sidecar(key, record_id, doc)
    ctx.catalog.maintenance.set_stored_uris(target.uri)
    _set_storage_url(ctx, target.url)  # absolute: a relative folder depends on the cwd
    report.switched_to = target.url
    ctx.store = target  # the context is shared: every service sees the new store
    return report
