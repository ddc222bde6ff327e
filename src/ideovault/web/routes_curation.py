"""REST routes for curation: ratings, albums, bulk changes and zip downloads.

Bulk routes take ``ids`` or a ``query`` (the search language), touch at most
``BULK_LIMIT`` images and apply the change in one transaction: all or nothing. Zips are
streamed as they are made; an unknown id, a bad query or album fails before the first byte.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from ideovault.vault import BULK_LIMIT
from ideovault.web.deps import VaultDep, clean_id
from ideovault.web.routes_images import NOT_FOUND
from ideovault.web.schemas import ImageOut, image_out

router = APIRouter(prefix="/api", tags=["curation"])

MAX_IDS = BULK_LIMIT


class RatingChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rating: int = Field(..., ge=0, le=5, description="1-5 stars; 0 clears the rating.")


class AlbumName(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(..., max_length=400)


class AlbumCover(BaseModel):
    model_config = ConfigDict(extra="forbid")
    image_id: str | None = Field(None, max_length=40, description="null: the newest image.")


class Selection(BaseModel):
    """Which images: ``ids`` (or unique prefixes), or every match of ``query``."""

    model_config = ConfigDict(extra="forbid")
    ids: list[str] = Field(default_factory=list, max_length=MAX_IDS)
    query: str | None = Field(None, max_length=2000)


class BulkChange(Selection):
    action: Literal["tag", "star", "rate", "album", "unalbum", "trash", "restore"]
    add: list[str] = Field(default_factory=list, max_length=50, description="tag: tags to add")
    remove: list[str] = Field(default_factory=list, max_length=50, description="tag: to remove")
    starred: bool = Field(True, description="star: true stars, false unstars")
    rating: int = Field(0, ge=0, le=5, description="rate: 1-5, 0 clears")
    album: str = Field("", max_length=400, description="album/unalbum: the album's name")


class BulkResult(BaseModel):
    action: str
    count: int
    ids: list[str]


def _ids(raw: list[str]) -> list[str]:
    return [clean_id(i) for i in raw]


@router.post("/images/{image_id}/rating", response_model=ImageOut, responses=NOT_FOUND)
def rate(image_id: str, change: RatingChange, vault: VaultDep) -> ImageOut:
    """Rate one image 1-5 (0 clears)."""
    return image_out(vault.images.rate([clean_id(image_id)], change.rating)[0])


@router.get("/images/{image_id}/albums", responses=NOT_FOUND)
def albums_of(image_id: str, vault: VaultDep) -> list[str]:
    """The names of the albums this image is in."""
    return vault.albums.of(clean_id(image_id))


@router.post("/bulk", response_model=BulkResult, responses={400: {"description": "Bad input"}})
def bulk(body: BulkChange, vault: VaultDep) -> BulkResult:
    """One change to many images, in one transaction (at most 10,000; over that, 400)."""
    table: dict[str, dict[str, Any]] = {
        "tag": {"add_tags": body.add, "remove_tags": body.remove},
        "star": {"starred": body.starred},
        "rate": {"rating": body.rating},
        "album": {"album": body.album},
        "unalbum": {"album": body.album},
    }
    change = vault.selection.change(body.action, **table.get(body.action, {}))
    done = vault.selection.bulk(change, _ids(body.ids), body.query)
    return BulkResult(action=body.action, count=len(done), ids=done)


@router.get("/count")
def count(
    vault: VaultDep, q: str = Query("", max_length=2000, description="The search language")
) -> dict[str, Any]:
    """How many images a search finds (``capped``: at least that many; 10,000 is the cap)."""
    found, capped = vault.selection.count(q)
    return {"count": found, "capped": capped}


@router.get("/albums")
def list_albums(vault: VaultDep) -> list[dict[str, Any]]:
    """Every album with its count (trashed images not counted) and cover image id."""
    return [a.to_json() for a in vault.albums.list()]


@router.post("/albums", responses={400: {"description": "Bad name or exists already"}})
def create_album(body: AlbumName, vault: VaultDep) -> dict[str, Any]:
    return vault.albums.create(body.name).to_json()


def _album_name(vault: VaultDep, album_id: str) -> str:
    return vault.albums.by_id(clean_id(album_id)).name


@router.get("/albums/{album_id}", responses=NOT_FOUND)
def get_album(album_id: str, vault: VaultDep) -> dict[str, Any]:
    return vault.albums.get(_album_name(vault, album_id)).to_json()


@router.patch("/albums/{album_id}", responses=NOT_FOUND)
def rename_album(album_id: str, body: AlbumName, vault: VaultDep) -> dict[str, Any]:
    return vault.albums.rename(_album_name(vault, album_id), body.name).to_json()


@router.delete("/albums/{album_id}", responses=NOT_FOUND)
def delete_album(album_id: str, vault: VaultDep) -> dict[str, Any]:
    """Delete the album; its images stay in the vault."""
    name = _album_name(vault, album_id)
    return {"deleted": name, "images_kept": vault.albums.delete(name)}


@router.post("/albums/{album_id}/cover", responses=NOT_FOUND)
def album_cover(album_id: str, body: AlbumCover, vault: VaultDep) -> dict[str, Any]:
    image = clean_id(body.image_id) if body.image_id else None
    return vault.albums.cover(_album_name(vault, album_id), image).to_json()


def _zip_response(chunks: Any, stem: str) -> StreamingResponse:
    name = f"ideovault-{stem}-{datetime.now(UTC):%Y%m%d-%H%M%S}.zip"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return StreamingResponse(chunks, media_type="application/zip", headers=headers)


@router.get("/zip", response_class=StreamingResponse, responses=NOT_FOUND)
def zip_search(
    vault: VaultDep,
    q: str | None = Query(None, max_length=2000, description="Every match of a search"),
    album: str | None = Query(None, max_length=40, description="An album's id"),
) -> StreamingResponse:
    """A zip of a search's or an album's images (streamed), with manifest.jsonl."""
    if album is not None:
        return _zip_response(vault.selection.zip_stream(album=_album_name(vault, album)), "album")
    return _zip_response(vault.selection.zip_stream(query=q or ""), "search")


@router.post("/zip", response_class=StreamingResponse, responses=NOT_FOUND)
def zip_selection(body: Selection, vault: VaultDep) -> StreamingResponse:
    """A zip of the selected ids (or a query), streamed, with manifest.jsonl."""
    if body.ids:
        return _zip_response(vault.selection.zip_stream(ids=_ids(body.ids)), "selection")
    return _zip_response(vault.selection.zip_stream(query=body.query or ""), "search")
