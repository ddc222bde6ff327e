"""The ``Api-Key`` check every working route makes first (docs/ideogram-api.md §1, §7)."""

from __future__ import annotations

import hmac

from fastapi import Request

from ideogram_fake.config import FakeConfig
from ideogram_fake.validate import FakeError

# Legacy /remix and /upscale list 403, not 401, for a bad key (§4, §7).
FORBIDDEN_ON_BAD_KEY = frozenset({"/remix", "/upscale"})


def check_key(config: FakeConfig, request: Request, status: int = 401) -> None:
    """401 (or ``status``) on a missing or wrong key; the message never repeats the key."""
    key = request.headers.get("Api-Key", "").encode("latin-1")
    expected = config.api_key.encode() if config.api_key is not None else None
    if not key.strip() or (expected is not None and not hmac.compare_digest(key, expected)):
        raise FakeError(status, "Invalid or missing API key (send it in the Api-Key header).")
