"""Time-sortable record ids (UUIDv7, RFC 9562).

The standard library only gains ``uuid.uuid7`` in Python 3.14; this is the few lines it takes,
with a monotonic counter so that ids made in the same millisecond by one process still sort in
creation order. Ids are stored in their canonical hyphenated form.
"""

import os
import re
import threading
import time
import uuid

_lock = threading.Lock()
_last_ms = 0
_counter = 0

_HEX = re.compile(r"^[0-9a-f-]+$")


def new_id() -> str:
    """A new UUIDv7 string; later calls in this process always sort after earlier ones."""
    global _last_ms, _counter
    with _lock:
        ms = time.time_ns() // 1_000_000
        if ms <= _last_ms:
            ms = _last_ms
            _counter += 1
            if _counter >= 1 << 12:  # 12-bit counter exhausted: borrow the next millisecond
                ms += 1
                _counter = 0
        else:
            _counter = int.from_bytes(os.urandom(2), "big") & 0x3FF  # leave room to count up
        _last_ms = ms
        counter = _counter
    rand = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= counter << 64
    value |= 0b10 << 62
    value |= rand
    return str(uuid.UUID(int=value))


def normalize_prefix(text: str) -> str | None:
    """Turn what a user typed into a prefix of a canonical id, or None if it cannot be one.

    Accepts upper case and ids typed without hyphens (git-style short ids).
    """
    t = text.strip().lower()
    if not t or len(t) > 36 or not _HEX.match(t):
        return None
    bare = t.replace("-", "")
    if not bare:
        return None
    # Re-insert hyphens at the canonical positions 8-4-4-4-12.
    out, cuts = [], (8, 12, 16, 20)
    for i, ch in enumerate(bare):
        if i in cuts:
            out.append("-")
        out.append(ch)
    return "".join(out)[:36]
