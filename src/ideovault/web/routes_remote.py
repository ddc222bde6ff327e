"""REST routes the remote CLI needs beyond the gallery's: list, trash, URLs, look-alikes,
meaning search, describe and magic-prompt.

They answer what the local vault's methods answer, as JSON, so that ``ideovault`` with
``IDEOVAULT_URL`` prints the same output as on the server's machine (``vault/remote/``).
Nothing here reads a path a client names: inputs are vault ids or ``data:`` URLs
(``resolve_client_uploads``), and ``local_path`` is never sent (``image_out``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, ConfigDict, Field

from ideovault.errors import UserError
from ideovault.vault import ImageStatus, resolve_client_uploads
from ideovault.web.deps import VaultDep, clean_id
from ideovault.web.routes_images import NOT_FOUND
from ideovault.web.schemas import ImageOut, image_out

router = APIRouter(prefix="/api", tags=["remote CLI"])


@router.get("/list", response_model=list[ImageOut])
def list_images(
    vault: VaultDep,
    limit: int = Query(20, ge=1, le=10_000),
    before: str | None = Query(None, max_length=40, description="Ids older than this id."),
    status: list[str] = Query([], max_length=10, description="Only these statuses."),
) -> list[ImageOut]:
    """Newest first, as `ideovault list` (trashed images included, like the local list)."""
    try:
        statuses = [ImageStatus(s.lower()) for s in status] or None
    except ValueError:
        raise HTTPException(400, "unknown status; one of " + ", ".join(ImageStatus)) from None
    bound = clean_id(before) if before else None
    if bound is not None and len(bound) < 36:
        bound = vault.images.get(bound).id
    page = vault.images.list(limit, before_id=bound, statuses=statuses)
    return [image_out(r) for r in page.records]


@router.get("/trash", response_model=list[ImageOut])
def trashed(vault: VaultDep) -> list[ImageOut]:
    """The images in the trash."""
    return [image_out(r) for r in vault.upkeep.trashed()]


@router.get("/images/{image_id}/url", responses=NOT_FOUND)
def original_url(
    image_id: str, vault: VaultDep, expires: int = Query(3600, ge=1, le=7 * 24 * 3600)
) -> dict[str, Any]:
    """The public URL, or a signed expiring one, when the store can give either."""
    record = vault.images.get(clean_id(image_id))
    if record.status != ImageStatus.STORED or not record.blob_key:
        raise UserError(f"image {record.id} has no stored file ({record.status.value})")
    link = record.public_url or vault.context.store.signed_url(record.blob_key, expires)
    if link is None:  # the vault's message names the server's file path: not for clients
        raise UserError(
            "the server's storage cannot sign URLs and has no public base URL; download the "
            f"original through the server: /api/images/{record.id}/original (or `export`)"
        )
    return {"url": link}


@router.get("/images/{image_id}/similar", responses=NOT_FOUND)
def similar(
    image_id: str, vault: VaultDep, limit: int = Query(20, ge=1, le=1000)
) -> list[dict[str, Any]]:
    """Look-alikes, closest first, each with its ``distance`` (differing bits of 64)."""
    return [
        {**image_out(m.record).model_dump(), "distance": m.distance}
        for m in vault.images.similar(clean_id(image_id), limit)
    ]


@router.get("/semantic")
def semantic(
    vault: VaultDep,
    q: str = Query(..., max_length=2000),
    limit: int = Query(20, ge=1, le=1000),
) -> list[dict[str, Any]]:
    """Images whose prompts mean something close to ``q``, each with its ``score``."""
    return [
        {**image_out(m.record).model_dump(), "score": m.score}
        for m in vault.images.semantic(q, limit)
    ]


class DescribeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: str = Field(..., max_length=40_000_000, description="A vault id or a data: URL.")
    model_version: str | None = Field(None, max_length=10)
    max_usd: float | None = Field(None, ge=0, allow_inf_nan=False)
    v4: dict[str, bool | None] | None = Field(
        None, description="include_bbox, include_style_descriptions, include_tags"
    )


@router.post("/describe", responses={400: {"description": "Bad input"}})
def describe(body: DescribeBody, vault: VaultDep) -> dict[str, Any]:
    """Ask the API to describe an image; the texts are kept on the image's record."""
    from ideovault.vault import describe as describing

    options = None
    if body.v4 is not None:
        allowed = {"include_bbox", "include_style_descriptions", "include_tags"}
        if not set(body.v4) <= allowed:
            raise HTTPException(400, "v4 takes " + ", ".join(sorted(allowed)))
        options = describing.V4Options(**body.v4)
    upload = resolve_client_uploads(vault.context, {"image": body.source})["image"]
    result = vault.generations.describe(
        upload, model_version=body.model_version, max_usd=body.max_usd, v4=options
    )
    answer = result.to_json()
    answer["image"] = image_out(result.image).model_dump()
    return answer


class MagicPromptBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(..., max_length=10_000)
    aspect_ratio: str | None = Field(None, max_length=20)


@router.post("/magic-prompt")
def magic_prompt(body: MagicPromptBody, vault: VaultDep) -> dict[str, Any]:
    """4.0's magic-prompt: a JSON prompt for ``text`` (nothing is stored)."""
    return vault.generations.magic_prompt(body.text, body.aspect_ratio)
