"""Settings of the fake Ideogram server.

Every knob a test or a benchmark may want to turn is here, so a test states its world in one
line (``FakeConfig(api_key=KEY, link_ttl=1)``) instead of reaching into the server.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class FakeConfig:
    """How the fake behaves. Defaults mirror the real API (docs/ideogram-api.md)."""

    api_key: str | None = None  # the only key accepted; None: any non-empty key is accepted
    link_ttl: float = 3600.0  # seconds before image links answer 403 (the real TTL is ~1 h)
    latency: float = 0.0  # seconds each generate call takes (and holds its in-flight places)
    download_delay: float = 0.0  # seconds each image download takes (a CDN far away)
    max_in_flight: int = 10  # images in progress before 429 (the real default, per organisation)
    retry_after_on_429: bool = True  # the real API does not promise Retry-After: test both
    unsafe_prompt_marker: str = "UNSAFE_PROMPT"  # a prompt containing it → 422
    unsafe_image_marker: str = "UNSAFE_IMAGE"  # → the last image of the answer is withheld
    # An uploaded file whose bytes contain it → 422 "Image provided failed safety check" (any
    # image-input route, /describe included). Put it in a PNG text chunk to keep it decodable.
    unsafe_upload_marker: str = "UNSAFE_UPLOAD"
    # Status of a file over 10 MB (or references over 10 MB in total). §12 lists it with the
    # 400s; the v2 docs say 413 on some routes. 400 by default; a test can ask for 413.
    too_large_status: int = 400
    chunk_size: int = 16 * 1024  # bytes per piece when a download is streamed slowly
    image_cache: int = 256  # rendered PNGs kept in memory (LRU)
    # Reject fields the route does not know (e.g. ``magic_prompt_option`` sent to V3). The real
    # API probably ignores them silently, which hides client bugs; the fake says so loudly.
    strict_fields: bool = True
    # 4.0 async generation (§8): seconds from submit until a job completes (the real one takes
    # 3-25 s); a job stays pollable for the life of the server.
    async_delay: float = 0.3
    # The real API refuses webhook URLs on loopback or private hosts. A test that wants the
    # signed deliveries runs its receiver on loopback, so it must say so here. Deliveries go
    # ONLY to loopback: a public URL is accepted (as the real API does) but never contacted,
    # so the fake never sends traffic off the machine.
    allow_loopback_webhooks: bool = False
    webhook_attempts: int = 3  # a failed delivery (non-2xx, no answer) is retried, then dropped
    webhook_retry_delay: float = 0.2  # seconds, times the attempt number
    # The wall clock links expire by. A test passes one it can move forward, so it sees a link
    # expire without waiting for it (nor needing a TTL shorter than a loaded machine's pauses).
    clock: Callable[[], float] = field(default=time.time)

    @property
    def download_chunk_size(self) -> int:
        """Alias of :attr:`chunk_size` under the name the design notes use."""
        return self.chunk_size
