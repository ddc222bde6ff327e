"""The two steps of a generation after the API answers: record every image at once, then
download each one into the blob store, write its sidecar and mark it stored (the pipeline's
last steps, see ``pipeline.py``; ``recover`` calls :func:`store_image` for what is left)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from ideovault import ids
from ideovault.api.errors import DownloadFailed, LinkExpired
from ideovault.catalog.engine import DatabaseFailure
from ideovault.catalog.records import (
    GenerationRecord,
    ImageRecord,
    ImageStatus,
    NewImage,
    StoredInfo,
)
from ideovault.errors import IdeovaultError
from ideovault.vault import actors
from ideovault.vault.presenting import sidecar_document

if TYPE_CHECKING:
    from ideovault.api.params import GenerateParams
    from ideovault.api.responses import GenerateResponse
    from ideovault.vault.context import VaultContext
    from ideovault.vault.download import Downloaded


def record_response(
    ctx: VaultContext,
    generation: GenerationRecord,
    request: GenerateParams,
    response: GenerateResponse,
    tags: tuple[str, ...],
    usd_per_image: float | None = None,
    parent_id: str | None = None,
) -> list[ImageRecord]:
    now = datetime.now(UTC)
    # A V4 JSON prompt is recorded by its summary; the whole JSON stays in the generation's
    # request (and the API's echo of it in expanded_prompt), so search finds its words.
    prompt = request.display_prompt
    # upscale, reframe, remove-background, layerize-text: the picture's words live on
    if not prompt and parent_id is not None:
        prompt = ctx.catalog.images.get(parent_id).prompt
    # Generate and remix choose a shape by ratio; other routes keep or set the input's size.
    shaped = request.operation in ("generate", "remix") and request.family != "v4"
    # The images belong to whoever started the generation, even when another process (recover,
    # a worker) records the answer: the audit log's entry names them, as `by:` reads it.
    creator = ctx.catalog.audit.generation_actor(generation.id) or actors.acting_name()
    new = [
        NewImage(
            id=ids.new_id(),
            index=i,
            prompt=prompt,
            # Routes that echo no prompt (remove-background) leave it empty: nothing expanded.
            expanded_prompt=item.prompt if item.prompt and item.prompt != prompt else None,
            negative_prompt=request.negative_prompt,
            model=request.model,
            style_type=item.style_type or request.style_type,
            # The API's own default when neither ratio nor resolution is asked for.
            aspect_ratio=request.aspect_ratio
            or (None if request.resolution or not shaped else "1x1"),
            rendering_speed=request.rendering_speed,
            magic_prompt=request.magic_prompt,
            seed=item.seed,
            resolution=item.upscaled_resolution or item.resolution,
            is_safe=item.is_image_safe and item.url is not None,
            original_url=item.url,
            url_expires_at=item.url_expires_at or _assumed_expiry(ctx, response.created),
            tags=tags,
            parent_id=parent_id,
            operation=request.operation,
            creator=creator,
            created_at=now,
        )
        for i, item in enumerate(response.images)
    ]
    # Billed per returned image, withheld (unsafe) ones included.
    cost = None if usd_per_image is None else round(usd_per_image * len(new), 4)
    return ctx.catalog.generations.record_response(
        generation.id, raw=response.raw, images=new, answered_at=now, cost_usd=cost
    )


def _assumed_expiry(ctx: VaultContext, created: datetime) -> datetime:
    return created + timedelta(seconds=ctx.settings.link_ttl_seconds)


def store_image(
    ctx: VaultContext, record: ImageRecord, generation: GenerationRecord
) -> ImageRecord:
    """Download one pending image and mark it stored, expired, or still pending with why."""
    from ideovault.vault.download import fetch

    assert record.original_url is not None
    try:
        source = {"source": f"ideogram {generation.endpoint}", "model": record.model}
        seed = {"seed": str(record.seed)} if record.seed is not None else {}
        got = fetch(ctx.client, ctx.store, record.original_url, metadata={**source, **seed})
    except LinkExpired as exc:
        try:
            return ctx.catalog.images.mark(
                record.id,
                ImageStatus.EXPIRED,
                f"the image link had expired before it could be downloaded ({exc})",
            )
        except DatabaseFailure as db:
            raise CatalogWriteFailed(db) from None
    except DownloadFailed as exc:
        return _still_pending(ctx, record, f"download failed: {exc}; `ideovault recover` retries")
    except OSError as exc:  # disk full, permissions: nothing partial is left behind
        return _still_pending(
            ctx, record, f"could not write the image ({_reason(exc)}); "
            "free space or fix the storage, then run `ideovault recover`",
        )  # fmt: skip
    except IdeovaultError as exc:  # the blob store (S3 down, credentials): the link may live on
        return _still_pending(ctx, record, f"{exc}; then run `ideovault recover`")
    info = StoredInfo(
        sha256=got.sha256,
        size_bytes=got.size,
        width=got.width,
        height=got.height,
        mime=got.mime,
        phash=got.phash,
        blob_key=got.blob.key,
        stored_uri=got.blob.uri,
        local_path=str(got.blob.local_path) if got.blob.local_path else None,
        stored_at=got.stored_at,
    )
    stored_view = record.model_copy(
        update={**info.model_dump(), "status": ImageStatus.STORED, "error": None}
    )
    try:
        ctx.store.upsert_sidecar(got.blob.key, record.id, sidecar_document(stored_view, generation))
    except (OSError, IdeovaultError) as exc:  # a full disk between the blob and its sidecar
        _take_back(ctx, record, got)
        return _still_pending(
            ctx, record, f"could not write the image's sidecar ({_reason(exc)}); "
            "free space or fix the storage, then run `ideovault recover`",
        )  # fmt: skip
    try:
        return ctx.catalog.images.mark_stored(record.id, info)
    except DatabaseFailure as exc:  # the catalog's disk is full: the record stays pending
        _take_back(ctx, record, got)
        raise CatalogWriteFailed(exc) from None


class CatalogWriteFailed(IdeovaultError):
    """The catalog refused a write (a full disk, most often) while images were being stored.

    The answer was recorded before the downloads began, so the images stay ``pending`` with
    their links: nothing is lost, and ``ideovault recover`` finishes them once there is room.
    """

    def __init__(self, exc: DatabaseFailure) -> None:
        reason = " ".join(str(exc.orig).split())[:200]
        super().__init__(
            f"the catalog could not be written ({reason}); the API's answer is recorded and "
            "its images are pending: free space, then run `ideovault recover` while the "
            "links live (about an hour)"
        )


def _reason(exc: BaseException) -> str:
    return (exc.strerror if isinstance(exc, OSError) else None) or str(exc)


def _still_pending(ctx: VaultContext, record: ImageRecord, why: str) -> ImageRecord:
    try:
        return ctx.catalog.images.mark(record.id, ImageStatus.PENDING, why)
    except DatabaseFailure as exc:
        raise CatalogWriteFailed(exc) from None


def _take_back(ctx: VaultContext, record: ImageRecord, got: Downloaded) -> None:
    """Undo a commit whose record could not follow, so that ``verify`` finds no orphan: the
    blob goes if this download created it (identical bytes stored before stay), and this
    record leaves its sidecar. Best effort: the disk may refuse this too."""
    try:
        if got.blob.existed:
            ctx.store.remove_from_sidecar(got.blob.key, record.id)
        else:
            ctx.store.delete(got.blob.key)
    except (OSError, IdeovaultError):
        pass
