"""The one check every piece of user text passes before it is sent or stored.

Kept apart from ``params`` so the V4 JSON prompt models (``api.v4prompt``), which ``params``
imports, can use it without an import cycle.
"""

from __future__ import annotations

import re

MAX_PROMPT_CHARS = 10_000

# Every control character (C0, DEL, C1 — U+0085 among them — and CR) but newline and tab, and
# the Unicode line and paragraph separators: they cannot be shown faithfully, and a terminal
# may act on them (escape sequences) when the text is printed back.
CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def has_control(value: str) -> bool:
    """Whether ``value`` holds a character that stored text may not hold (see above)."""
    return CONTROL_RE.search(value) is not None


def check_text(value: str, what: str, max_chars: int = MAX_PROMPT_CHARS) -> str:
    """Reject text that cannot be stored or sent faithfully (bad UTF-8, NUL, control chars)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"{what} is not valid UTF-8") from None
    if has_control(value):
        raise ValueError(f"{what} contains control characters (only newline and tab are allowed)")
    if len(value) > max_chars:
        raise ValueError(f"{what} is {len(value)} characters; the most accepted is {max_chars}")
    return value
