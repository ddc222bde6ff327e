"""Injectable faults: what the next N generate calls, downloads, async jobs or webhook
deliveries do instead of succeeding.

Faults are queued per target ("generate", "download", "async" or "webhook") and taken one per
request, first in first out, so a test can script a sequence:
``inject("rate_limit"); inject("unavailable")``
makes the next call 429 and the one after 503. A fault is checked when it is injected (unknown
kind, unknown option, bad value → ValueError, which the admin route turns into a 400), so a typo
in a test fails at once instead of silently injecting nothing.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any

# kind → the options it takes
GENERATE_FAULTS: dict[str, tuple[str, ...]] = {
    "rate_limit": ("retry_after",),  # 429 with the inflight_limit body
    "unavailable": (),  # 503
    "payment_required": (),  # 402 insufficient_funds (listed for /v1/edit, §7)
    "server_error": (),  # 500
    "drop": (),  # request read and counted, connection closed, no response
    "slow_generate": ("seconds",),  # sleep before answering
}
DOWNLOAD_FAULTS: dict[str, tuple[str, ...]] = {
    "truncate": (),  # full Content-Length promised, about half sent, connection closed
    "slow_download": ("seconds",),  # body streamed in chunks spread over `seconds`
    "expire": (),  # 403 as if the link had expired
    "corrupt": (),  # 200 image/png, same length, not a decodable PNG
}
ASYNC_FAULTS: dict[str, tuple[str, ...]] = {
    "async_fail": (),  # the next async job ends "failed" (no images, no webhook)
    "slow_async": ("seconds",),  # the next async job completes after `seconds`
}
WEBHOOK_FAULTS: dict[str, tuple[str, ...]] = {
    "webhook_drop": (),  # the next delivery is never sent (the poll still completes)
    "webhook_duplicate": (),  # the next delivery is sent twice
}
TARGETS = {
    **dict.fromkeys(GENERATE_FAULTS, "generate"), **dict.fromkeys(DOWNLOAD_FAULTS, "download"),
    **dict.fromkeys(ASYNC_FAULTS, "async"), **dict.fromkeys(WEBHOOK_FAULTS, "webhook"),
}  # fmt: skip
OPTIONS = {**GENERATE_FAULTS, **DOWNLOAD_FAULTS, **ASYNC_FAULTS, **WEBHOOK_FAULTS}
KINDS = tuple(OPTIONS)
MAX_TIMES = 10_000
MAX_SECONDS = 600.0


@dataclass(frozen=True)
class Fault:
    kind: str
    options: dict[str, Any] = field(default_factory=dict)

    def seconds(self, default: float = 5.0) -> float:
        return float(self.options.get("seconds", default))


def _seconds(name: str, value: Any, *, allow_none: bool) -> float | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number of seconds, not {value!r}")
    number = float(value)
    if not math.isfinite(number) or not 0 <= number <= MAX_SECONDS:
        raise ValueError(f"{name} must be between 0 and {MAX_SECONDS:g} seconds")
    return number


def make_fault(kind: Any, options: dict[str, Any]) -> Fault:
    """Check a fault's kind and options; raise ValueError with a readable reason."""
    if not isinstance(kind, str) or kind not in KINDS:
        raise ValueError(f"unknown fault kind {kind!r}; one of {', '.join(KINDS)}")
    allowed = OPTIONS[kind]
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        takes = ", ".join(allowed) if allowed else "no options"
        raise ValueError(f"fault {kind!r} does not take {', '.join(unknown)} (takes {takes})")
    checked = {
        name: _seconds(name, value, allow_none=name == "retry_after")
        for name, value in options.items()
    }
    return Fault(kind, checked)


class FaultBook:
    """The queued faults of one fake server; every method is safe from any request thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: dict[str, deque[Fault]] = {t: deque() for t in set(TARGETS.values())}

    def inject(self, kind: Any, times: Any = 1, **options: Any) -> None:
        fault = make_fault(kind, options)
        if isinstance(times, bool) or not isinstance(times, int) or not 1 <= times <= MAX_TIMES:
            raise ValueError(f"times must be an integer between 1 and {MAX_TIMES}")
        target = TARGETS[kind]
        with self._lock:
            self._queues[target].extend([fault] * times)

    def take(self, target: str) -> Fault | None:
        """The fault for this request, if one is queued (it is then used up)."""
        with self._lock:
            queue = self._queues[target]
            return queue.popleft() if queue else None

    def reset(self) -> None:
        with self._lock:
            for queue in self._queues.values():
                queue.clear()
