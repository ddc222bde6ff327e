"""Settings of the fake Ideogram server."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class FakeConfig:
    api_key: str | None = None  # None: any non-empty key is accepted
    link_ttl: float = 3600.0  # seconds before image links answer 403
    latency: float = 0.0  # seconds each generate call takes
    download_delay: float = 0.0  # seconds each image download takes (a CDN far away)
    max_in_flight: int = 10  # images in progress before 429 (the real default)
    retry_after_on_429: bool = True
    unsafe_prompt_marker: str = "UNSAFE_PROMPT"  # → 422
    unsafe_image_marker: str = "UNSAFE_IMAGE"  # → the last image of the answer is withheld
    chunk_size: int = 16 * 1024
    image_cache: int = 256  # rendered PNGs kept in memory
