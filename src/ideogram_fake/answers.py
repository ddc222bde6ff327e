"""The bodies the fake answers with: the image list (§2.1), /describe (§2.2), the 429 (§7)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from ideogram_fake.captions import describe_text, expand
from ideogram_fake.config import FakeConfig
from ideogram_fake.links import ImageLinks, IssuedImage
from ideogram_fake.validate import Request
from ideogram_fake.validate_uploads import Upload
from ideovault.api import enums

__all__ = ["created_now", "describe", "expand", "image_list", "too_many"]


def created_now() -> str:
    """``2024-12-15T17:32:00.965408+00:00``: microseconds always present, as the API sends."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def image_list(
    req: Request, links: ImageLinks, config: FakeConfig, base_url: str
) -> dict[str, Any]:
    """One item per image; with the unsafe marker the last item is withheld (url null).

    The PNG behind each link has the output size: ``upscaled_resolution`` when the route
    changed the size (upscale), else ``resolution`` (docs/ideogram-api.md §9).
    """
    shown = req.upscaled_resolution or req.resolution
    width, height = (int(side) for side in shown.split("x"))
    shown_prompt = req.caption if req.caption is not None else expand(req.prompt, req.magic_prompt)
    unsafe_last = bool(config.unsafe_image_marker) and config.unsafe_image_marker in req.prompt
    data: list[dict[str, Any]] = []
    for index in range(req.num_images):
        seed = req.seed if req.seed is not None else secrets.randbelow(enums.MAX_SEED + 1)
        unsafe = unsafe_last and index == req.num_images - 1
        url = None
        if not unsafe:
            item = IssuedImage(req.prompt, seed, index, width, height, req.source, req.alpha)
            url = links.issue(item, base_url, config.link_ttl)
        entry: dict[str, Any] = {
            "url": url,
            "prompt": shown_prompt,
            "resolution": req.resolution,
            "is_image_safe": not unsafe,
            "seed": seed,
        }
        if req.upscaled_resolution is not None:
            entry["upscaled_resolution"] = req.upscaled_resolution
        if req.style_type is not None:
            entry["style_type"] = req.style_type
        data.append(entry)
    body: dict[str, Any] = {"created": created_now(), "data": data}
    if req.response_type is not None:
        body["response_type"] = req.response_type
    return body


def describe(image: Upload, version: str) -> dict[str, Any]:
    """``/describe``: one description derived from the image bytes alone."""
    text = describe_text(image.data, image.width, image.height, image.kind, version)
    return {"descriptions": [{"text": text}]}


def too_many(config: FakeConfig) -> dict[str, Any]:
    return {
        "error": "Too many requests in flight; please retry later.",
        "reject_reason": "inflight_limit",
        "max_inflight_requests": config.max_in_flight,
    }
