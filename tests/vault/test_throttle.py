"""`[limits]` in ideovault.toml reaches the process's shared limiter; bad values are refused."""

from __future__ import annotations

import pytest

from ideovault.api.limits import RateLimiter
from ideovault.errors import UserError
from ideovault.vault.throttle import apply_limits


def test_limits_from_the_config_table() -> None:
    limiter = apply_limits(RateLimiter(), {"limits": {"max_in_flight": 3, "calls_per_minute": 60}})
    assert (limiter.max_in_flight, limiter.calls, limiter.period) == (3, 60, 60.0)
    defaults = apply_limits(RateLimiter(), {})
    assert (defaults.max_in_flight, defaults.calls) == (10, 0)


@pytest.mark.parametrize(
    "table",
    [{"max_in_flight": -1}, {"max_in_flight": "ten"}, {"calls_per_minute": 1.5},
     {"max_in_flight": True}, {"calls_per_minute": 10**9}, "not a table"],
)  # fmt: skip
def test_bad_limits_are_clear_errors(table: object) -> None:
    with pytest.raises(UserError, match=r"\[limits\]"):
        apply_limits(RateLimiter(), {"limits": table})
