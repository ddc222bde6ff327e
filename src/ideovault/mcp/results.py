"""What a tool hands back: the records' fields as JSON (text and structured content), a small
thumbnail of each image as image content so the assistant can see what it made, and a link to
each original as the resource ``ideovault://image/ID``.

Thumbnails are the gallery's cached 256 px WebP files (a few KB each), so looking at a result
costs the model little and the vault decodes each original once. Over HTTP the server's file
paths (``local_path``) are left out, as the REST API leaves them out; over stdio the assistant
runs on the same machine and the path is what lets it use the file.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from mcp_types import CallToolResult, ContentBlock, ImageContent, ResourceLink, TextContent

from ideovault import ids
from ideovault.errors import UserError
from ideovault.vault import ImageRecord, ImageStatus, Vault

log = logging.getLogger("ideovault.mcp")

RESOURCE_PREFIX = "ideovault://image/"
THUMBNAIL_SIZE = 256
DEFAULT_THUMBNAILS = 6  # for lists (search, similar): enough to see, not a page of pixels


def resource_uri(image_id: str) -> str:
    return RESOURCE_PREFIX + image_id


@dataclass(frozen=True)
class Shaping:
    """What differs between a client on this machine (stdio) and one over the network (HTTP).

    A remote client sees no server paths (``local_path``) and cannot name files on the
    server as inputs: otherwise any image file the server can read could be pulled into the
    vault by a remix and read back as a resource. Its inputs are vault image ids.
    """

    local: bool = True

    def fields(self, record: ImageRecord) -> dict[str, Any]:
        data = record.to_json()
        if not self.local:
            data.pop("local_path", None)
        if record.status == ImageStatus.STORED and record.blob_key:
            data["resource"] = resource_uri(record.id)
        return data

    def confine(self, vault: Vault, params: dict[str, Any]) -> dict[str, Any]:
        """``params`` with every input image resolved to a vault record, for a remote client."""
        from ideovault.vault.inputs import LABELS

        if self.local:
            return params
        out = dict(params)
        for name, value in params.items():
            if name not in LABELS or value is None:
                continue
            what = LABELS[name]
            if isinstance(value, list | tuple):
                out[name] = [_vault_input(vault, v, what) for v in value]
            else:
                out[name] = _vault_input(vault, value, what)
        return out


def _vault_input(vault: Vault, ref: object, what: str) -> object:
    from ideovault.vault.inputs import load

    text = str(ref)
    if ids.normalize_prefix(text) is None:
        raise UserError(
            f"{what}: {text[:80]!r} is not an image id; over HTTP an input is an image already "
            "in the vault (files on the server cannot be named)"
        )
    return load(vault.context, vault.images.get(text), what)


def thumbnail(vault: Vault, record: ImageRecord) -> ImageContent | None:
    """The record's small WebP thumbnail, or None when it has no readable stored file."""
    from ideovault.web.thumbnails import ensure_thumbnail

    if record.status != ImageStatus.STORED or not record.sha256:
        return None
    try:
        data = ensure_thumbnail(vault, record, THUMBNAIL_SIZE).read_bytes()
    except Exception:  # a missing or unreadable blob: the record still says what it is
        log.warning("no thumbnail for %s", record.id, exc_info=True)
        return None
    return ImageContent(data=base64.b64encode(data).decode("ascii"), mime_type="image/webp")


def pictures(vault: Vault, records: Iterable[ImageRecord], limit: int) -> list[ContentBlock]:
    """A thumbnail and a link to the original for each of the first ``limit`` stored images."""
    blocks: list[ContentBlock] = []
    shown = 0
    for record in records:
        if shown >= limit:
            break
        image = thumbnail(vault, record)
        if image is None:
            continue
        shown += 1
        blocks.append(image)
        blocks.append(
            ResourceLink(
                uri=resource_uri(record.id),
                name=record.id,
                description=f"the original of {record.id} ({record.width}x{record.height})",
                mime_type=record.mime,
                size=record.size_bytes,
            )
        )
    return blocks


def result(data: dict[str, Any], blocks: Sequence[ContentBlock] = ()) -> CallToolResult:
    """The JSON both as text (what every client shows the model) and as structured content."""
    text = json.dumps(data, ensure_ascii=False, indent=1, default=str)
    return CallToolResult(
        content=[TextContent(text=text), *blocks], structured_content=json.loads(text)
    )


def images_result(
    vault: Vault,
    shaping: Shaping,
    records: Sequence[ImageRecord],
    *,
    thumbnails: int = 8,
    **extra: Any,
) -> CallToolResult:
    """``{"images": [...], **extra}`` plus thumbnails of the first ``thumbnails`` images."""
    data = {"images": [shaping.fields(r) for r in records], **extra}
    return result(data, pictures(vault, records, thumbnails))
