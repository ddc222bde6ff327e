"""Injected faults and the in-flight cap, seen from a real HTTP client (§7, §12, §13)."""

from __future__ import annotations

import io
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from PIL import Image

from ideogram_fake import FakeServer
from tests.fake.conftest import V3, H, one_url, own_server, png_size, v3
from tests.waiting import wait_for


def test_rate_limit_fault_with_decimal_retry_after(fake: FakeServer) -> None:
    fake.inject("rate_limit", times=2, retry_after=0.25)
    for _ in range(2):
        res = v3(fake, prompt="x")
        assert res.status_code == 429 and res.headers["Retry-After"] == "0.25"
        assert res.json() == {
            "error": res.json()["error"],
            "reject_reason": "inflight_limit",
            "max_inflight_requests": 10,
        }
    assert v3(fake, prompt="x").status_code == 200
    assert fake.stats()["generate_calls"] == 3 and fake.stats()["images_issued"] == 1


def test_rate_limit_without_retry_after(fake: FakeServer) -> None:
    fake.inject("rate_limit", retry_after=None)
    res = v3(fake, prompt="x")
    assert res.status_code == 429 and "Retry-After" not in res.headers
    fake.inject("rate_limit")  # default follows the config toggle (on: 1 s)
    assert v3(fake, prompt="x").headers["Retry-After"] == "1"
    with own_server(retry_after_on_429=False) as quiet:
        quiet.inject("rate_limit")
        assert "Retry-After" not in v3(quiet, prompt="x").headers


def test_server_faults_in_fifo_order(fake: FakeServer) -> None:
    fake.inject("unavailable")
    fake.inject("server_error", times=2)
    codes = [v3(fake, prompt="x").status_code for _ in range(4)]
    assert codes == [503, 500, 500, 200]


def test_drop_closes_the_connection_without_a_response(fake: FakeServer) -> None:
    fake.inject("drop")
    with httpx.Client(headers=H) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            client.post(f"{fake.base_url}{V3}", files={"prompt": (None, "dropped")})
        again = client.post(f"{fake.base_url}{V3}", files={"prompt": (None, "dropped")})
    assert again.status_code == 200  # the server itself is fine
    stats = fake.stats()
    assert stats["calls_by_prompt"] == {"dropped": 2} and stats["images_issued"] == 1


def test_slow_generate_holds_its_places_in_flight() -> None:
    # Its own server: the shared one may still be serving another test's slow call.
    with own_server() as server:
        server.inject("slow_generate", seconds=1.0)
        seen: list[int] = []

        def watch() -> None:
            seen.append(wait_for(lambda: server.stats()["in_flight"], what="a call in flight"))

        watcher = threading.Thread(target=watch)
        watcher.start()
        assert v3(server, prompt="x", num_images=3).status_code == 200
        watcher.join()
        assert seen == [3] and server.stats()["in_flight"] == 0


def test_a_call_begun_before_a_reset_is_not_counted_after_it() -> None:
    """A hung call whose client went away (a killed batch) must not show up in the counters of
    whatever the server does after the reset: the next test's exact counts."""
    with own_server() as server:
        server.inject("slow_generate", seconds=1.0)
        with ThreadPoolExecutor(1) as pool:
            hung = pool.submit(v3, server, prompt="from before")
            wait_for(lambda: server.stats()["in_flight"], what="the slow call in flight")
            server.reset()
            assert v3(server, prompt="after").status_code == 200
            assert hung.result().status_code == 200  # it is still answered, just not counted
        stats = server.stats()
        assert stats["answered_by_prompt"] == {"after": 1} and stats["images_issued"] == 1


def test_in_flight_cap_counts_images() -> None:
    with own_server(max_in_flight=3, latency=0.5) as capped:

        def call(_: int) -> httpx.Response:
            return v3(capped, prompt="x", num_images=2)

        with ThreadPoolExecutor(3) as pool:
            answers = list(pool.map(call, range(3)))
        codes = sorted(a.status_code for a in answers)
        assert codes == [200, 429, 429]
        rejected = next(a for a in answers if a.status_code == 429)
        assert rejected.json()["reject_reason"] == "inflight_limit"
        assert rejected.json()["max_inflight_requests"] == 3
        assert rejected.headers["Retry-After"] == "1"
        assert v3(capped, prompt="x", num_images=3).status_code == 200  # places were released
        assert v3(capped, prompt="x", num_images=4).status_code == 429  # never fits
        assert capped.stats()["in_flight"] == 0


def test_truncate_sends_less_than_it_promises(fake: FakeServer) -> None:
    url = one_url(fake, seed=3)
    full = httpx.get(url).content
    fake.inject("truncate", times=2)
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(url)
    got = 0
    with httpx.stream("GET", url) as res:
        assert int(res.headers["content-length"]) == len(full)
        with pytest.raises(httpx.RemoteProtocolError):
            for piece in res.iter_raw():
                got += len(piece)
    assert 0 < got < len(full)
    assert httpx.get(url).content == full


def test_slow_download_streams_the_whole_image(fake: FakeServer) -> None:
    url = one_url(fake, seed=4)
    full = httpx.get(url).content
    fake.inject("slow_download", seconds=0.3)
    pieces: list[bytes] = []
    with httpx.stream("GET", url) as res:
        assert int(res.headers["content-length"]) == len(full)
        pieces.extend(res.iter_raw())
    body = b"".join(pieces)
    assert body == full and len(pieces) > 1


def test_expire_fault(fake: FakeServer) -> None:
    url = one_url(fake)
    fake.inject("expire")
    assert httpx.get(url).status_code == 403
    assert httpx.get(url).status_code == 200


def test_corrupt_fault_is_same_size_and_undecodable(fake: FakeServer) -> None:
    url = one_url(fake, seed=5)
    good = httpx.get(url).content
    fake.inject("corrupt")
    junk = httpx.get(url)
    assert junk.status_code == 200 and junk.headers["content-type"] == "image/png"
    assert len(junk.content) == len(good) and junk.content != good
    assert junk.content.startswith(b"\x89PNG\r\n\x1a\n")
    with pytest.raises(Exception):  # noqa: B017 - Pillow raises several kinds
        Image.open(io.BytesIO(junk.content)).load()
    assert png_size(httpx.get(url).content) == (1024, 1024)


def test_generate_and_download_faults_queue_separately(fake: FakeServer) -> None:
    fake.inject("expire")
    url = one_url(fake)  # the download fault does not hit the generate call
    fake.inject("unavailable")
    assert httpx.get(url).status_code == 403  # … it hits the next download
    assert httpx.get(url).status_code == 200
    assert v3(fake, prompt="x").status_code == 503


@pytest.mark.parametrize(
    ("kind", "options"),
    [("nope", {}), ("rate_limit", {"seconds": 1}), ("drop", {"retry_after": 1}),
     ("slow_generate", {"seconds": "long"}), ("slow_download", {"seconds": -1})],
)  # fmt: skip
def test_bad_faults_are_refused_in_process(
    fake: FakeServer, kind: str, options: dict[str, object]
) -> None:
    with pytest.raises(ValueError):
        fake.inject(kind, **options)
    with pytest.raises(ValueError):
        fake.inject("drop", times=0)
