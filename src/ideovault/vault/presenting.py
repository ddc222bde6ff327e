"""What a record shows that is derived, not stored, and the sidecar kept beside each file.

Every service that answers image records passes them through :func:`present`; every service
that changes a stored record keeps its sidecar in step (``rebuild`` reads the sidecars back).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ideovault.catalog.records import GenerationRecord, ImageRecord, ImageStatus

if TYPE_CHECKING:
    from ideovault.vault.context import VaultContext


def present(ctx: VaultContext, record: ImageRecord) -> ImageRecord:
    """Fill in where a stored blob can be opened (``local_path``) or fetched (``public_url``)."""
    if record.blob_key and record.status == ImageStatus.STORED:
        path = ctx.store.local_path(record.blob_key)
        base = ctx.settings.public_base_url
        return record.model_copy(
            update={
                "local_path": str(path) if path is not None else None,
                "public_url": f"{base}/{record.blob_key}" if base else None,
            }
        )
    return record


def image(ctx: VaultContext, id_or_prefix: str) -> ImageRecord:
    """One image by id or unique prefix, presented (UserError when none or several match)."""
    return present(ctx, ctx.catalog.images.get(id_or_prefix))


def sidecar_document(record: ImageRecord, generation: GenerationRecord) -> dict[str, Any]:
    """What a sidecar keeps per record: enough to rebuild the catalog, never a secret."""
    document = record.to_json()
    document.pop("local_path", None)
    document.pop("public_url", None)
    return {"image": document, "generation": generation.to_json()}


def refresh_sidecars(ctx: VaultContext, records: Iterable[ImageRecord]) -> list[ImageRecord]:
    """Rewrite each stored record's sidecar after a change; returns the records, presented."""
    out = []
    for record in records:
        if record.blob_key and record.status == ImageStatus.STORED:
            generation = ctx.catalog.generations.get(record.generation_id)
            ctx.store.upsert_sidecar(
                record.blob_key, record.id, sidecar_document(record, generation)
            )
        out.append(present(ctx, record))
    return out
