"""REST routes for records: list and search, one record, its bytes, and the marks users set.

Every route that takes an id passes it through :func:`clean_id` (hex and hyphens only) and then
asks the vault, so what reaches the blob store is always a key from the catalog, never a path.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

from fastapi import APIRouter, Header, HTTPException, Query, Request
from fastapi.responses import FileResponse, Response, StreamingResponse

from ideovault.web.deps import VaultDep, clean_id, etag_matches, run_read
from ideovault.web.schemas import ImageOut, ImagePage, StarChange, TagChange, image_out
from ideovault.web.thumbnails import SIZES, ensure_thumbnail

router = APIRouter(prefix="/api", tags=["images"])

CHUNK = 256 * 1024
CACHE_FOREVER = "private, max-age=31536000, immutable"  # the bytes behind an id never change
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No record has this id"},
    400: {"description": "Bad input"},
}
MIME_EXT = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}


@router.get("/images", response_model=ImagePage, summary="List or search images")
async def search_images(
    request: Request,
    vault: VaultDep,
    q: str = Query("", max_length=2000, description="The search language, e.g. fox tag:poster"),
    limit: int = Query(60, ge=1, le=1000),
    cursor: str | None = Query(None, max_length=4000, description="`next` of the last page"),
) -> ImagePage:
    """Newest first unless the query sorts otherwise; a query error names its position."""

    def read() -> ImagePage:
        page = vault.images.search(q, limit=limit, cursor=cursor or None)
        return ImagePage(results=[image_out(r) for r in page.records], next=page.next_cursor)

    return await run_read(request, read)


@router.get("/images/{image_id}", response_model=ImageOut, responses=NOT_FOUND)
async def get_image(request: Request, image_id: str, vault: VaultDep) -> ImageOut:
    """One record, by id or unique id prefix (trashed records included)."""
    record = await run_read(request, vault.images.get, clean_id(image_id))
    return image_out(record)


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    """Read the original piece by piece (run in a worker thread by Starlette)."""
    with stream:
        while chunk := stream.read(CHUNK):
            yield chunk


@router.api_route(
    "/images/{image_id}/original",
    methods=["GET", "HEAD"],
    response_class=StreamingResponse,
    responses={**NOT_FOUND, 200: {"content": {"image/png": {}, "image/jpeg": {}}}},
)
def original(
    image_id: str,
    vault: VaultDep,
    request: Request,
    download: bool = Query(False, description="Ask the browser to save the file"),
    if_none_match: str | None = Header(None, max_length=1000),
) -> Response:
    """The stored original, byte for byte, streamed (never held whole in memory); HEAD too."""
    record, stream = vault.images.open_original(clean_id(image_id))
    etag = f'"{record.sha256}"'
    headers = {"ETag": etag, "Cache-Control": CACHE_FOREVER}
    if etag_matches(if_none_match, etag):
        stream.close()
        return Response(status_code=304, headers=headers)
    mime = record.mime or "application/octet-stream"
    if download:
        name = f"{record.id}.{MIME_EXT.get(mime, 'bin')}"
        headers["Content-Disposition"] = f'attachment; filename="{name}"'
    if record.size_bytes is not None:
        headers["Content-Length"] = str(record.size_bytes)
    if request.method == "HEAD":  # download managers and CDNs ask for the headers only
        stream.close()
        return Response(media_type=mime, headers=headers)
    return StreamingResponse(_chunks(stream), media_type=mime, headers=headers)


@router.api_route(
    "/images/{image_id}/thumbnail",
    methods=["GET", "HEAD"],
    response_class=FileResponse,
    responses={**NOT_FOUND, 200: {"content": {"image/webp": {}}}},
)
def thumbnail(
    image_id: str,
    vault: VaultDep,
    size: int = Query(256, ge=1, le=4096, description="256, 512 or 1024"),
    if_none_match: str | None = Header(None, max_length=1000),
) -> Response:
    """A WebP thumbnail, made on first request and cached; ETag = sha256 and size; HEAD too."""
    if size not in SIZES:
        raise HTTPException(400, f"size must be one of {', '.join(map(str, SIZES))}")
    record = vault.images.get(clean_id(image_id))
    if record.status != "stored" or not record.sha256:
        raise HTTPException(404, f"image {record.id} has no stored file ({record.status})")
    etag = f'"{record.sha256}-{size}"'
    headers = {"ETag": etag, "Cache-Control": CACHE_FOREVER}
    if etag_matches(if_none_match, etag):
        return Response(status_code=304, headers=headers)
    path = ensure_thumbnail(vault, record, size)
    return FileResponse(path, media_type="image/webp", headers=headers)


@router.post("/images/{image_id}/tags", response_model=ImageOut, responses=NOT_FOUND)
def change_tags(image_id: str, change: TagChange, vault: VaultDep) -> ImageOut:
    """Add and remove tags (normalised: trimmed, lower-case, spaces to '-')."""
    if not (change.add or change.remove):
        raise HTTPException(400, "name tags to add or remove")
    return image_out(vault.images.tag([clean_id(image_id)], change.add, change.remove)[0])


@router.post("/images/{image_id}/star", response_model=ImageOut, responses=NOT_FOUND)
def star(image_id: str, change: StarChange, vault: VaultDep) -> ImageOut:
    """Star or unstar (starred images are never removed by a cleanup policy)."""
    return image_out(vault.images.star([clean_id(image_id)], change.starred)[0])


@router.post("/images/{image_id}/trash", response_model=ImageOut, responses=NOT_FOUND)
def trash(image_id: str, vault: VaultDep) -> ImageOut:
    """Move to the trash: hidden from search, file kept until a purge."""
    return image_out(vault.upkeep.trash([clean_id(image_id)])[0])


@router.post("/images/{image_id}/restore", response_model=ImageOut, responses=NOT_FOUND)
def restore(image_id: str, vault: VaultDep) -> ImageOut:
    """Take out of the trash."""
    return image_out(vault.upkeep.restore([clean_id(image_id)])[0])
