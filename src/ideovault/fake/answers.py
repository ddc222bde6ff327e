"""The bodies the fake answers with: the image list (§2.1) and the 429 rejection (§7)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime
from typing import Any

from ideovault.api import enums
from ideovault.fake.config import FakeConfig
from ideovault.fake.links import ImageLinks, IssuedImage
from ideovault.fake.validate import Request

MAGIC_SUFFIXES = (
    "cinematic lighting, rich detail, shallow depth of field",
    "soft pastel palette, clean composition, studio quality",
    "dramatic contrast, vivid colours, award-winning photograph",
    "minimal flat design, bold typography, balanced layout",
    "golden hour glow, painterly texture, wide establishing shot",
    "crisp vector shapes, limited palette, poster composition",
)
MAGIC_AUTO_MAX_WORDS = 12  # AUTO expands prompts shorter than this


def expand(prompt: str, magic: str | None) -> str:
    """Magic Prompt: ON always expands, AUTO (or omitted) only short prompts, OFF never.

    The added phrase is chosen by hashing the prompt, so a rerun gives the same text.
    """
    if magic == "OFF" or (magic != "ON" and len(prompt.split()) >= MAGIC_AUTO_MAX_WORDS):
        return prompt
    pick = int.from_bytes(hashlib.sha256(prompt.encode()).digest()[:4]) % len(MAGIC_SUFFIXES)
    return f"{prompt}, {MAGIC_SUFFIXES[pick]}"


def created_now() -> str:
    """``2024-12-15T17:32:00.965408+00:00``: microseconds always present, as the API sends."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def image_list(
    req: Request, links: ImageLinks, config: FakeConfig, base_url: str
) -> dict[str, Any]:
    """One item per image; with the unsafe marker the last item is withheld (url null)."""
    width, height = (int(side) for side in req.resolution.split("x"))
    shown_prompt = expand(req.prompt, req.magic_prompt)
    unsafe_last = bool(config.unsafe_image_marker) and config.unsafe_image_marker in req.prompt
    data: list[dict[str, Any]] = []
    for index in range(req.num_images):
        seed = req.seed if req.seed is not None else secrets.randbelow(enums.MAX_SEED + 1)
        unsafe = unsafe_last and index == req.num_images - 1
        url = None
        if not unsafe:
            item = IssuedImage(req.prompt, seed, index, width, height)
            url = links.issue(item, base_url, config.link_ttl)
        data.append(
            {
                "url": url,
                "prompt": shown_prompt,
                "resolution": req.resolution,
                "is_image_safe": not unsafe,
                "seed": seed,
                "style_type": req.style_type,
            }
        )
    return {"created": created_now(), "data": data}


def too_many(config: FakeConfig) -> dict[str, Any]:
    return {
        "error": "Too many requests in flight; please retry later.",
        "reject_reason": "inflight_limit",
        "max_inflight_requests": config.max_in_flight,
    }
