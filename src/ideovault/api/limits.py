"""Client-side limits shared by every thread of one process: places in flight, calls per period.

Ideogram limits each organisation to about 10 *images* in progress at once (docs/ideogram-api.md §7)
and answers 429 beyond that; a batch that keeps hitting the limit wastes its retries and time.
So the client waits for a place *before* sending: a request for 4 images takes 4 places. An
optional calls-per-minute cap (off by default: the reference documents none) covers proxies
and resellers that do count requests. One limiter exists per API root and key, so every client
in the process — every thread of a batch — draws from the same places.

The places in use adapt to the API's answers, AIMD-style (as TCP does): a 429 halves the
*window* (the places this process lets itself use, at most the configured cap), and every
answered call grows it back by ``units / window`` — about one place per window's worth of
answers — up to the cap. A 429 halves the window only once per window: calls that were
already under way when it was halved (an older *epoch*) were sent into the old window and
say nothing new. Both rules count answers, not seconds, so the behaviour is deterministic.
So a batch can run at the cap by default: when another process of the same organisation
takes places, this one backs off instead of spending its retries on 429s.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

DEFAULT_MAX_IN_FLIGHT = 10  # images, per organisation (§7)
DEFAULT_CALLS_PER_MINUTE = 0  # 0 = no cap


@dataclass(frozen=True)
class Ticket:
    """One held slot: its places and the window epoch it was taken in."""

    units: int
    epoch: int


class RateLimiter:
    """A weighted semaphore with an adaptive size, plus a sliding window of call starts."""

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
        self.backoffs = 0  # how many times a 429 shrank the window
        self._window = float(max_in_flight)
        self._epoch = 0
        self.configure(max_in_flight, calls, period)

    def configure(self, max_in_flight: int, calls: int, period: float = 60.0) -> None:
        if max_in_flight < 0 or calls < 0 or period <= 0:
            raise ValueError("limits must be 0 (off) or positive")
        with self._cond:
            self.max_in_flight = max_in_flight
            self.calls = calls
            self.period = period
            self._window = float(max_in_flight)
            self._epoch += 1
            self._cond.notify_all()

    @property
    def in_flight(self) -> int:
        return self._in_flight

    @property
    def window(self) -> int:
        """Places this process uses now: the cap, less after 429s (0 when there is no cap)."""
        if not self.max_in_flight:
            return 0
        return max(1, min(self.max_in_flight, int(self._window)))

    @contextmanager
    def slot(self, units: int = 1) -> Iterator[Ticket]:
        """Hold ``units`` places (capped at the window, so one big request can still run)."""
        with self._cond:
            while True:
                window = self.window
                held = max(1, min(units, window)) if window else units
                now = self._clock()
                while self._starts and now - self._starts[0] >= self.period:
                    self._starts.popleft()
                room = not window or self._in_flight + held <= window
                rate_ok = not self.calls or len(self._starts) < self.calls
                if room and rate_ok:
                    break
                wait = None if rate_ok else self.period - (now - self._starts[0])
                self._cond.wait(wait)
            self._in_flight += held
            self.peak_in_flight = max(self.peak_in_flight, self._in_flight)
            if self.calls:
                self._starts.append(now)
            ticket = Ticket(held, self._epoch)
        try:
            yield ticket
        finally:
            with self._cond:
                self._in_flight -= held
                self._cond.notify_all()

    def rate_limited(self, ticket: Ticket) -> None:
        """The API answered 429 to a call sent with ``ticket``: halve the window, once per
        window (a call from an older epoch was sent before the last halving)."""
        with self._cond:
            if not self.max_in_flight or ticket.epoch != self._epoch:
                return
            self._window = max(1.0, self._window / 2)
            self._epoch += 1
            self.backoffs += 1

    def answered(self, ticket: Ticket) -> None:
        """A call was answered: grow the window by ``units / window``, up to the cap."""
        with self._cond:
            if not self.max_in_flight or self._window >= self.max_in_flight:
                return
            self._window = min(
                float(self.max_in_flight), self._window + ticket.units / self._window
            )
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
