"""The client-side limiter: never more places in flight or calls per period than allowed,
whatever the number of threads, and a request holds one place per image."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise

import httpx

from ideogram_fake import FakeServer
from ideovault.api import IdeogramClient, parse_params
from ideovault.api.limits import RateLimiter, shared_limiter
from tests.conftest import TEST_API_KEY


class Gauge:
    """Counts requests in flight at the HTTP layer, and when the limiter let each one go.

    That moment is the limiter's clock reading in the thread that then sends the request (the
    limiter reads its clock last when it grants). Stamping the wire's own time instead would
    make the check depend on how long a busy machine takes from the grant to the send.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now = 0
        self.peak = 0
        self.starts: list[float] = []
        self.read = threading.local()

    def clock(self) -> float:
        """The limiter's clock, remembering per thread what it last read."""
        self.read.last = time.monotonic()
        return float(self.read.last)

    def enter(self, request: httpx.Request) -> None:
        with self.lock:
            self.now += 1
            self.peak = max(self.peak, self.now)
            self.starts.append(getattr(self.read, "last", -1.0))

    def leave(self, response: httpx.Response) -> None:
        with self.lock:
            self.now -= 1


def _client(fake: FakeServer, limiter: RateLimiter, gauge: Gauge) -> IdeogramClient:
    client = IdeogramClient(TEST_API_KEY, fake.base_url, limiter=limiter, max_retries=0)
    client._http.event_hooks = {"request": [gauge.enter], "response": [gauge.leave]}
    return client


def test_fifty_threads_never_exceed_the_in_flight_places(fake: FakeServer) -> None:
    fake.inject("slow_generate", times=50, seconds=0.05)  # calls overlap, as real ones do
    limiter, gauge = RateLimiter(max_in_flight=4), Gauge()
    client = _client(fake, limiter, gauge)
    requests = [parse_params(prompt=f"fox {i}", num_images=1 + i % 3) for i in range(50)]
    with ThreadPoolExecutor(50) as pool:
        results = list(pool.map(client.generate, requests))
    assert len(results) == 50 and all(r.images for r in results)
    # Seen on the wire, independently of the limiter's own count: never more than 4 requests
    # at once; and counted in images (a 3-image request holds 3 of the 4 places), never more.
    assert 1 <= gauge.peak <= 4
    assert 1 <= limiter.peak_in_flight <= 4
    assert limiter.in_flight == 0
    assert fake.stats()["generate_calls"] == 50  # no 429, nothing retried


def test_fifty_asyncio_tasks_respect_calls_per_period(fake: FakeServer) -> None:
    period, calls = 0.4, 8
    gauge = Gauge()
    limiter = RateLimiter(max_in_flight=0, calls=calls, period=period, clock=gauge.clock)
    client = _client(fake, limiter, gauge)

    async def main() -> None:
        jobs = [asyncio.to_thread(client.generate, parse_params(prompt=f"owl {i}"))
                for i in range(50)]  # fmt: skip
        await asyncio.gather(*jobs)

    asyncio.run(main())
    starts = sorted(gauge.starts)
    assert len(starts) == 50 and starts[0] >= 0  # every request on the wire went through it
    # In any window of one period, the limiter let at most `calls` of them go.
    for i, t in enumerate(starts):
        in_window = [s for s in starts[i:] if s - t < period]
        assert len(in_window) <= calls, (i, len(in_window))


def test_a_request_larger_than_the_limit_still_runs_alone() -> None:
    limiter = RateLimiter(max_in_flight=2)
    with limiter.slot(8):
        assert limiter.in_flight == 2
    assert limiter.in_flight == 0


def test_one_limiter_per_api_root_and_key_and_the_key_is_not_kept() -> None:
    a = shared_limiter("http://x.test/", "secret-1")
    assert shared_limiter("http://x.test", "secret-1") is a
    assert shared_limiter("http://x.test", "secret-2") is not a
    from ideovault.api import limits

    assert all("secret" not in "".join(k) for k in limits._registry)


def test_a_slot_is_released_when_the_call_fails() -> None:
    limiter = RateLimiter(max_in_flight=1)
    try:
        with limiter.slot():
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert limiter.in_flight == 0


def test_429s_halve_the_window_and_answers_grow_it_back_to_the_cap(fake: FakeServer) -> None:
    """AIMD driven by the fake's 429s, counted call by call (no clock involved)."""
    limiter = RateLimiter(max_in_flight=10)
    client = IdeogramClient(
        TEST_API_KEY, fake.base_url, limiter=limiter, max_retries=5, sleep=lambda _s: None
    )
    assert limiter.window == 10
    fake.inject("rate_limit", times=3, retry_after=0)
    client.generate(parse_params(prompt="crowded hour"))  # three 429s, then answered
    assert fake.stats()["generate_calls"] == 4
    assert limiter.backoffs == 3
    assert limiter.window == 2  # 10 → 5 → 2.5 → 1.25, then one answer: + 1/1.25
    windows = [limiter.window]
    while limiter.window < 10 and len(windows) < 200:
        client.generate(parse_params(prompt=f"quiet hour {len(windows)}"))
        windows.append(limiter.window)
    assert windows == sorted(windows)  # it only grows while the API answers
    assert all(b - a <= 1 for a, b in pairwise(windows))  # additively
    assert windows[-1] == 10
    assert 30 <= len(windows) <= 60  # about one place per window's worth of answers
    client.generate(parse_params(prompt="calm"))
    assert limiter.window == 10  # never above the cap


def test_a_burst_of_429s_from_one_window_halves_it_once() -> None:
    limiter = RateLimiter(max_in_flight=8)
    with limiter.slot(2) as a, limiter.slot(2) as b, limiter.slot(2) as c:
        for ticket in (a, b, c):  # all sent into the same window: one congestion signal
            limiter.rate_limited(ticket)
    assert limiter.window == 4 and limiter.backoffs == 1
    with limiter.slot(1) as late:
        limiter.rate_limited(late)  # sent after the halving: a new signal
    assert limiter.window == 2 and limiter.backoffs == 2
    with limiter.slot(4) as big:  # a request larger than the window runs alone
        assert limiter.in_flight == 2 and big.units == 2
    limiter.configure(8, 0)  # new limits start from the cap again
    assert limiter.window == 8


def test_the_window_bounds_the_places_threads_can_take() -> None:
    limiter = RateLimiter(max_in_flight=6)
    with limiter.slot(1) as ticket:
        limiter.rate_limited(ticket)  # window 3
    held: list[int] = []
    release = threading.Event()
    entered = threading.Semaphore(0)

    def hold() -> None:
        with limiter.slot(1):
            held.append(limiter.in_flight)
            entered.release()
            release.wait(30)

    threads = [threading.Thread(target=hold) for _ in range(5)]
    for t in threads:
        t.start()
    for _ in range(3):
        assert entered.acquire(timeout=30)
    assert limiter.in_flight == 3  # two threads wait for a place
    release.set()
    for t in threads:
        t.join(30)
    assert limiter.in_flight == 0 and len(held) == 5 and max(held) <= 3
