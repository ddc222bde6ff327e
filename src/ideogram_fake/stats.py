"""Call counters and the in-flight gauge of one fake server.

Tests assert on these to prove what a client did on the wire ("the POST was never re-sent",
"each image was downloaded once"), so they are exact and thread-safe. Every route that does
work counts here under its own path (``calls_by_endpoint``), so one fake can prove which of the
image operations a client called; ``peak_in_flight`` is the most images (or describe calls) held
at once since the last reset, what a test of a client's own concurrency limit looks at.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any


class Stats:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_endpoint: Counter[str] = Counter()
        self._by_prompt: Counter[str] = Counter()
        self._downloads: Counter[str] = Counter()
        self._answered_by_prompt: Counter[str] = Counter()  # calls that returned images
        self._webhooks: Counter[str] = Counter()
        self._issued = 0
        self._in_flight = 0
        self._peak = 0
        self._epoch = 0  # how many resets so far: a call begun before one is not counted after

    def epoch(self) -> int:
        with self._lock:
            return self._epoch

    def generate_call(self, endpoint: str, prompt: str | None) -> None:
        """One authenticated request reached a working route (valid or not)."""
        with self._lock:
            self._by_endpoint[endpoint] += 1
            if prompt is not None:
                self._by_prompt[prompt] += 1

    def download(self, image_id: str) -> None:
        with self._lock:
            self._downloads[image_id] += 1

    def webhook(self, outcome: str) -> None:
        """One webhook delivery attempt: sent, failed (non-2xx or no answer), dropped, skipped."""
        with self._lock:
            self._webhooks[outcome] += 1

    def issued(self, count: int, prompt: str | None = None, epoch: int | None = None) -> None:
        """A call was answered with ``count`` images (what the caller is billed for).

        ``epoch`` is :meth:`epoch` when the call began: a call that was still sleeping when the
        counters were reset (a hung call whose client was killed) counts for nobody after it.
        """
        with self._lock:
            if epoch is not None and epoch != self._epoch:
                return
            self._issued += count
            if prompt is not None:
                self._answered_by_prompt[prompt] += 1

    def acquire(self, places: int, limit: int) -> bool:
        """Hold ``places`` in-flight places, or say no when that would pass ``limit``."""
        with self._lock:
            if self._in_flight + places > limit:
                return False
            self._in_flight += places
            self._peak = max(self._peak, self._in_flight)
            return True

    def release(self, places: int) -> None:
        with self._lock:
            self._in_flight -= places

    def reset(self) -> None:
        """Zero the counters; the in-flight gauge is live state and stays."""
        with self._lock:
            self._by_endpoint.clear()
            self._by_prompt.clear()
            self._downloads.clear()
            self._answered_by_prompt.clear()
            self._webhooks.clear()
            self._issued = 0
            self._peak = self._in_flight
            self._epoch += 1

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "generate_calls": sum(self._by_endpoint.values()),
                "calls_by_endpoint": dict(self._by_endpoint),
                "calls_by_prompt": dict(self._by_prompt),
                "images_issued": self._issued,
                "answered_by_prompt": dict(self._answered_by_prompt),
                "downloads": sum(self._downloads.values()),
                "downloads_by_image": dict(self._downloads),
                "webhooks": dict(self._webhooks),
                "in_flight": self._in_flight,
                "peak_in_flight": self._peak,
            }
