"""Client-side limits shared by every thread of one process: places in flight, calls per period.

Ideogram limits each organisation to about 10 *images* in progress at once (ideogram-api.md §7)
and answers 429 beyond that; a batch that keeps hitting the limit wastes its retries and time.
So the client waits for a place *before* sending: a request for 4 images takes 4 places. An
optional calls-per-minute cap (off by default: the reference documents none) covers proxies
and resellers that do count requests. One limiter exists per API root and key, so every client
in the process — every thread of a batch — draws from the same places.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager

DEFAULT_MAX_IN_FLIGHT = 10  # images, per organisation (§7)
DEFAULT_CALLS_PER_MINUTE = 0  # 0 = no cap


class RateLimiter:
    """A weighted semaphore plus a sliding window of call starts."""

    def __init__(
        self,
        max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
        calls: int = DEFAULT_CALLS_PER_MINUTE,
        period: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._cond = threading.Condition()
        self._clock = clock
        self._in_flight = 0
        self._starts: deque[float] = deque()
        self.peak_in_flight = 0
        self.configure(max_in_flight, calls, period)

    def configure(self, max_in_flight: int, calls: int, period: float = 60.0) -> None:
        if max_in_flight < 0 or calls < 0 or period <= 0:
            raise ValueError("limits must be 0 (off) or positive")
        with self._cond:
            self.max_in_flight = max_in_flight
            self.calls = calls
            self.period = period
            self._cond.notify_all()

    @property
    def in_flight(self) -> int:
        return self._in_flight

    @contextmanager
    def slot(self, units: int = 1) -> Iterator[None]:
        """Hold ``units`` places (capped at the limit, so one big request can still run)."""
        with self._cond:
            if self.max_in_flight:
                units = max(1, min(units, self.max_in_flight))
            while True:
                now = self._clock()
                while self._starts and now - self._starts[0] >= self.period:
                    self._starts.popleft()
                room = not self.max_in_flight or self._in_flight + units <= self.max_in_flight
                rate_ok = not self.calls or len(self._starts) < self.calls
                if room and rate_ok:
                    break
                wait = None if rate_ok else self.period - (now - self._starts[0])
                self._cond.wait(wait)
            self._in_flight += units
            self.peak_in_flight = max(self.peak_in_flight, self._in_flight)
            if self.calls:
                self._starts.append(now)
        try:
            yield
        finally:
            with self._cond:
                self._in_flight -= units
                self._cond.notify_all()


_registry: dict[tuple[str, str], RateLimiter] = {}
_registry_lock = threading.Lock()


def shared_limiter(base_url: str, api_key: str | None) -> RateLimiter:
    """The process's limiter for one API root and key (the key only as a hash, never kept)."""
    digest = hashlib.sha256((api_key or "").encode()).hexdigest()[:16]
    key = (base_url.rstrip("/"), digest)
    with _registry_lock:
        limiter = _registry.get(key)
        if limiter is None:
            limiter = _registry[key] = RateLimiter()
        return limiter
