"""Injectable faults and call statistics, shared by every request thread of one fake server."""

from __future__ import annotations

import threading
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

GENERATE_FAULTS = ("rate_limit", "unavailable", "server_error", "drop", "slow_generate")
DOWNLOAD_FAULTS = ("truncate", "slow_download", "expire", "corrupt")
KINDS = GENERATE_FAULTS + DOWNLOAD_FAULTS


@dataclass
class Fault:
    kind: str
    options: dict[str, Any] = field(default_factory=dict)


class FaultBook:
    """Faults queued per target ("generate" or "download"), consumed one per request, FIFO."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: dict[str, deque[Fault]] = {"generate": deque(), "download": deque()}
        self.calls_by_endpoint: Counter[str] = Counter()
        self.calls_by_prompt: Counter[str] = Counter()
        self.downloads_by_image: Counter[str] = Counter()
        self.images_issued = 0
        self.in_flight = 0

    def inject(self, kind: str, times: int = 1, **options: Any) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown fault {kind!r}; one of {', '.join(KINDS)}")
        if not 1 <= times <= 10_000:
            raise ValueError("times must be between 1 and 10000")
        target = "generate" if kind in GENERATE_FAULTS else "download"
        with self._lock:
            self._queues[target].extend(Fault(kind, dict(options)) for _ in range(times))

    def take(self, target: str) -> Fault | None:
        with self._lock:
            queue = self._queues[target]
            return queue.popleft() if queue else None

    def count_generate(self, endpoint: str, prompt: str) -> None:
        with self._lock:
            self.calls_by_endpoint[endpoint] += 1
            self.calls_by_prompt[prompt] += 1

    def count_download(self, image_id: str) -> None:
        with self._lock:
            self.downloads_by_image[image_id] += 1

    def acquire(self, places: int, limit: int) -> bool:
        with self._lock:
            if self.in_flight + places > limit:
                return False
            self.in_flight += places
            return True

    def release(self, places: int) -> None:
        with self._lock:
            self.in_flight -= places

    def issued(self, count: int) -> None:
        with self._lock:
            self.images_issued += count

    def reset(self) -> None:
        with self._lock:
            for queue in self._queues.values():
                queue.clear()
            self.calls_by_endpoint.clear()
            self.calls_by_prompt.clear()
            self.downloads_by_image.clear()
            self.images_issued = 0

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {
                "generate_calls": sum(self.calls_by_endpoint.values()),
                "calls_by_endpoint": dict(self.calls_by_endpoint),
                "calls_by_prompt": dict(self.calls_by_prompt),
                "images_issued": self.images_issued,
                "downloads": sum(self.downloads_by_image.values()),
                "downloads_by_image": dict(self.downloads_by_image),
                "in_flight": self.in_flight,
            }
