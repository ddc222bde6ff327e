"""The one check every piece of user text passes before it is sent or stored.

Kept apart from ``params`` so the V4 JSON prompt models (``api.v4prompt``), which ``params``
imports, can use it without an import cycle.
"""

from __future__ import annotations

import re

MAX_PROMPT_CHARS = 10_000

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def check_text(value: str, what: str, max_chars: int = MAX_PROMPT_CHARS) -> str:
    """Reject text that cannot be stored or sent faithfully (bad UTF-8, NUL, control chars)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"{what} is not valid UTF-8") from None
    if _CONTROL_RE.search(value):
        raise ValueError(f"{what} contains control characters")
    if len(value) > max_chars:
        raise ValueError(f"{what} is {len(value)} characters; the most accepted is {max_chars}")
    return value
