"""Request and response bodies of the REST API: they are what the OpenAPI document shows.

Requests have upper bounds on every list and string, so one request cannot make the server
do unbounded work; the vault validates the values themselves (tags, generation parameters).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ideovault.vault import ImageRecord


class ImageOut(ImageRecord):
    """An image record as the web shows it: links to its bytes, and no server-side paths."""

    original_href: str | None = None
    thumbnail_href: str | None = None


def image_out(record: ImageRecord) -> ImageOut:
    data = record.model_dump()
    data["local_path"] = None  # where the server keeps files is none of a client's business
    if record.status == "stored" and record.sha256:
        data["original_href"] = f"/api/images/{record.id}/original"
        data["thumbnail_href"] = f"/api/images/{record.id}/thumbnail?size=512"
    return ImageOut(**data)


class ImagePage(BaseModel):
    results: list[ImageOut]
    next: str | None = Field(None, description="Cursor for the next page, or null at the end.")


class TagChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    add: list[str] = Field(default_factory=list, max_length=50)
    remove: list[str] = Field(default_factory=list, max_length=50)


class StarChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    starred: bool = True


class ReproduceBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    force: bool = Field(False, description="Call the API even if an identical image exists.")
    dry_run: bool = Field(False, description="Only price it (and check the budgets).")
    max_usd: float | None = Field(None, ge=0, description="Refuse if the estimate is higher.")


class GenerateBody(BaseModel):
    """A generation request: the prompt, the API parameters, and the vault's own options."""

    model_config = ConfigDict(extra="forbid")
    prompt: str = Field(..., max_length=10_000)
    params: dict[str, Any] = Field(
        default_factory=dict,
        max_length=30,
        description="API parameters as in `ideovault generate`: model, aspect_ratio, seed, …",
    )
    tags: list[str] = Field(default_factory=list, max_length=50)
    max_usd: float | None = Field(
        None, ge=0, allow_inf_nan=False, description="Refuse if the estimate is higher."
    )
    force: bool = Field(False, description="Call the API even if the vault has the answer.")
    dedupe: Literal["seeded", "always", "never"] | None = Field(
        None, description="When the vault may answer an identical request (default: seeded)."
    )
    dry_run: bool = Field(False, description="Only validate and price the request.")
    check_budgets: bool = Field(
        True, description="dry_run: refuse a price over a budget (the CLI's --dry-run: false)."
    )


class Generated(BaseModel):
    images: list[ImageOut] = Field(default_factory=list)
    quote: dict[str, Any] | None = None
    reused: bool = False  # answered from the vault (an identical seeded request) without a call
    identical: bool | None = None  # reproduce: whether the new bytes equal the original's
