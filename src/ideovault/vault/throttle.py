"""The client-side limits from ``ideovault.toml`` (``[limits] max_in_flight``,
``calls_per_minute``) applied to the process's shared limiter (``api.limits``)."""

from __future__ import annotations

from typing import Any

from ideovault.api.limits import DEFAULT_CALLS_PER_MINUTE, DEFAULT_MAX_IN_FLIGHT, RateLimiter
from ideovault.errors import UserError


def _count(table: dict[str, Any], name: str, default: int) -> int:
    value = table.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100_000:
        raise UserError(f"ideovault.toml: [limits] {name} must be a whole number, 0 (off) or more")
    return value


def apply_limits(limiter: RateLimiter, extra: dict[str, Any]) -> RateLimiter:
    table = extra.get("limits") or {}
    if not isinstance(table, dict):
        raise UserError("ideovault.toml: [limits] must be a table")
    limiter.configure(
        _count(table, "max_in_flight", DEFAULT_MAX_IN_FLIGHT),
        _count(table, "calls_per_minute", DEFAULT_CALLS_PER_MINUTE),
    )
    return limiter
