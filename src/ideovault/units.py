"""Durations and sizes as people type them: ``30d``, ``12h``, ``2w``; ``50GB``, ``512MB``."""

from __future__ import annotations

import re
from datetime import timedelta

from ideovault.errors import UserError

_DURATION = re.compile(r"^\s*(\d{1,6})\s*([smhdwy])\s*$", re.IGNORECASE)
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400, "y": 365 * 86400}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?i?b?)\s*$", re.IGNORECASE)


def parse_duration(text: str) -> timedelta:
    m = _DURATION.match(text)
    if not m:
        raise UserError(f"{text!r} is not a duration like 30d, 12h, 2w or 1y")
    return timedelta(seconds=int(m.group(1)) * _SECONDS[m.group(2).lower()])


def parse_size(text: str) -> int:
    m = _SIZE.match(text)
    if not m:
        raise UserError(f"{text!r} is not a size like 50GB, 512MB or 1.5TB")
    unit = m.group(2).lower().rstrip("b").rstrip("i")
    power = {"": 0, "k": 1, "m": 2, "g": 3, "t": 4}[unit]
    return int(float(m.group(1)) * 1024**power)
