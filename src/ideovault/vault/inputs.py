"""Input images of remix, edit, upscale, reframe, replace-background, describe,
remove-background, layerize-text and instruct (its ``images``), and references.

An input is given as a vault id (or unique prefix) or as a file path. Files are checked when
the request is prepared (format, size, decodable: ``api.uploads``) and stored in the vault only
when the request is sent, as an ``upload`` record — or matched to an existing record with the
same bytes — so that every output can name its parent and a reproduction can send the same
bytes again. Nothing here trusts a path to stay inside anything: it is the user's own file.
"""

from __future__ import annotations

import base64
import binascii
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ideovault import ids
from ideovault.api.params import UPLOAD_FIELDS
from ideovault.api.uploads import Upload
from ideovault.blobs import EXTENSIONS
from ideovault.catalog.records import (
    GenerationRecord,
    GenerationStatus,
    ImageRecord,
    ImageStatus,
    NewImage,
    StoredInfo,
)
from ideovault.errors import NotFound, UserError
from ideovault.vault import actors, people
from ideovault.vault.presenting import sidecar_document

if TYPE_CHECKING:
    from ideovault.api.params import GenerateParams
    from ideovault.vault.context import VaultContext

LABELS = {
    "image": "the input image",
    "mask": "the mask",
    "style_reference_images": "a style reference image",
    "character_reference_images": "a character reference image",
    "character_reference_images_mask": "a character reference mask",
    "images": "an input image",
}


def prepare(ctx: VaultContext, prompt: str = "", **params: Any) -> GenerateParams:
    """Validate a request without sending or storing anything (UserError on bad input).

    Input images (``image``, ``mask``, references) may be given as vault ids or file paths;
    they are read and checked here, and stored in the vault only when sent."""
    from ideovault.api.params import parse_params

    return parse_params(prompt=prompt, **resolve_uploads(ctx, params))


def resolve_uploads(ctx: VaultContext, params: dict[str, Any]) -> dict[str, Any]:
    """Replace ids and paths in the upload fields of ``params`` by checked :class:`Upload` s."""
    out = dict(params)
    for name in UPLOAD_FIELDS:
        value = out.get(name)
        if value is None or isinstance(value, Upload):
            continue
        if isinstance(value, list | tuple):
            out[name] = (
                tuple(v if isinstance(v, Upload) else resolve(ctx, v, LABELS[name]) for v in value)
                or None
            )
        else:
            out[name] = resolve(ctx, value, LABELS[name])
    return out


def resolve_client_uploads(ctx: VaultContext, params: dict[str, Any]) -> dict[str, Any]:
    """The upload fields of a web client's ``params`` as checked uploads; never reads a path.

    A client of the server names an input by vault id (or unique prefix), or sends its bytes
    as a ``data:`` URL (base64; same format and size checks as a file). Anything else, a path
    above all, gets one message whatever is at that path on the server, so that the answer
    tells nothing about the server's files.
    """
    out = dict(params)
    for name in UPLOAD_FIELDS:
        value = out.get(name)
        if value is None:
            continue
        many = isinstance(value, list | tuple)
        items = [_client_upload(ctx, v, LABELS[name]) for v in (value if many else [value])]
        out[name] = (tuple(items) or None) if many else items[0]
    return out


def _client_upload(ctx: VaultContext, ref: object, what: str) -> Upload:
    if isinstance(ref, str) and ref.startswith("data:"):
        head, _, payload = ref.partition(",")
        if not head.endswith(";base64"):
            raise UserError(f"{what}: a data: URL must be base64 (data:image/png;base64,...)")
        try:
            data = base64.b64decode(payload, validate=True)
        except binascii.Error:
            raise UserError(f"{what}: the data: URL is not valid base64") from None
        try:
            return Upload.from_bytes(data, what)
        except ValueError as exc:
            raise UserError(str(exc)) from None
    prefix = ids.normalize_prefix(ref) if isinstance(ref, str) else None
    if prefix is None:
        raise UserError(
            f"{what}: name it by vault id or send its bytes as a data: URL "
            "(data:image/png;base64,...); the server reads no file paths"
        )
    try:
        record = ctx.catalog.images.get(prefix)
    except NotFound:
        raise UserError(f"{what}: no image in the vault has the id {prefix}") from None
    return load(ctx, record, what)


def resolve(ctx: VaultContext, ref: str | Path, what: str) -> Upload:
    """A file path (if such a file exists) or else a vault id, as a checked upload."""
    text = str(ref)
    if not text.strip():
        raise UserError(f"{what}: give a file path or a vault id")
    if isinstance(ref, Path) or os.path.lexists(text):
        try:
            return Upload.from_path(text, what)
        except ValueError as exc:
            raise UserError(str(exc)) from None
        except OSError as exc:
            raise UserError(f"{what}: cannot read {text} ({exc.strerror or exc})") from None
    try:
        record = ctx.catalog.images.get(text)
    except NotFound:
        raise UserError(
            f"{what}: {text!r} is neither a file nor an image id in the vault"
        ) from None
    return load(ctx, record, what)


def load(ctx: VaultContext, record: ImageRecord, what: str) -> Upload:
    """The stored bytes of a vault record, as an upload that remembers the record."""
    if record.status != ImageStatus.STORED or not record.blob_key:
        raise UserError(
            f"{what}: image {record.id} has no stored file ({record.status.value}); "
            "give another image or a file"
        )
    try:
        with ctx.store.open(record.blob_key) as fh:
            data = fh.read()
    except (OSError, NotFound) as exc:
        raise UserError(
            f"{what}: the file of image {record.id} cannot be read ({exc}); "
            "`ideovault verify` checks the store"
        ) from None
    try:
        return Upload.from_bytes(data, what, image_id=record.id)
    except ValueError as exc:
        raise UserError(str(exc)) from None


def store_inputs(ctx: VaultContext, request: GenerateParams) -> GenerateParams:
    """Give every input file a vault record (stored now if new) and the request their ids."""
    changes: dict[str, Any] = {}
    for name, files in request.inputs.items():
        stored = tuple(f if f.image_id else f.with_id(store_upload(ctx, f)) for f in files)
        if stored != files:
            changes[name] = stored[0] if name in ("image", "mask") else stored
    return request.model_copy(update=changes) if changes else request


def store_upload(ctx: VaultContext, upload: Upload) -> str:
    """The id of a record holding these bytes: an existing live one, else a new upload."""
    for record in ctx.catalog.images.find_by_sha256(upload.sha256):
        if record.status == ImageStatus.STORED and record.trashed_at is None:
            return record.id
    from ideovault.vault.download import decode_staged

    with ctx.store.stage() as staged:
        staged.write(upload.data)
        staged.finish()
        mime, width, height, phash = decode_staged(staged)
        blob = ctx.store.commit(staged, EXTENSIONS[mime], metadata={"source": "upload"})
    now = datetime.now(UTC)
    image = NewImage(
        id=ids.new_id(), index=0, prompt="", expanded_prompt=None, negative_prompt=None,
        model="UPLOAD", style_type=None, aspect_ratio=None, rendering_speed=None,
        magic_prompt=None, seed=None, resolution=f"{width}x{height}", is_safe=True,
        original_url=None, url_expires_at=None, tags=("uploaded",), operation="upload",
        creator=actors.acting_name(), created_at=now,
    )  # fmt: skip
    generation = GenerationRecord(
        id=ids.new_id(), endpoint="upload", operation="upload", model="UPLOAD",
        request={"what": upload.what, "sha256": upload.sha256, "size": upload.size},
        fingerprint="upload:" + upload.sha256[:57], status=GenerationStatus.ANSWERED,
        num_images=1, cost_usd=0.0, created_at=now, answered_at=now,
    )  # fmt: skip
    info = StoredInfo(
        sha256=staged.sha256, size_bytes=staged.size, width=width, height=height, mime=mime,
        phash=phash, blob_key=blob.key, stored_uri=blob.uri,
        local_path=str(blob.local_path) if blob.local_path else None, stored_at=now,
    )  # fmt: skip
    stored = ctx.catalog.images.add_imported(generation, image, info)
    ctx.store.upsert_sidecar(blob.key, stored.id, sidecar_document(stored, generation))
    people.note(ctx, "image.upload", [stored.id], {"what": upload.what})
    return stored.id
