"""Admin routes (no key) for tests that drive a fake in another process; counters."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from ideogram_fake import FakeServer, inject_remote
from tests.fake.conftest import KEY, URL_RE, legacy, one_url, own_server, v3
from tests.waiting import wait_for


def test_inject_reset_and_stats_over_http(fake: FakeServer) -> None:
    res = httpx.post(f"{fake.base_url}/_fake/faults", json={"kind": "unavailable", "times": 2})
    assert res.status_code == 200
    assert [v3(fake, prompt="x").status_code for _ in range(3)] == [503, 503, 200]
    inject_remote(fake.base_url, "rate_limit", retry_after=0.5)
    assert v3(fake, prompt="x").headers["Retry-After"] == "0.5"
    stats = httpx.get(f"{fake.base_url}/_fake/stats").json()
    assert stats == fake.stats()
    assert stats["calls_by_prompt"] == {"x": 4} and stats["images_issued"] == 1
    inject_remote(fake.base_url, "server_error", times=5)
    assert httpx.post(f"{fake.base_url}/_fake/reset").status_code == 200
    assert fake.stats()["generate_calls"] == 0
    assert v3(fake, prompt="x").status_code == 200  # the queued faults went too


@pytest.mark.parametrize(
    "body",
    [{"kind": "nope"}, {"times": 2}, {"kind": "drop", "times": 0}, {"kind": "drop", "times": "2"},
     {"kind": "drop", "seconds": 1}, {"kind": "slow_download", "seconds": "x"}, ["drop"]],
)  # fmt: skip
def test_bad_fault_requests_are_400(fake: FakeServer, body: object) -> None:
    res = httpx.post(f"{fake.base_url}/_fake/faults", json=body)
    assert res.status_code == 400 and res.json()["error"]
    with pytest.raises(ValueError):
        inject_remote(fake.base_url, "nope")
    assert v3(fake, prompt="x").status_code == 200  # nothing was queued


def test_stats_count_every_call_and_download() -> None:
    # Its own server: on the shared one, a slow call of an earlier test can finish after the
    # reset and be counted here.
    with own_server() as fake:
        _count_every_call_and_download(fake)


def _count_every_call_and_download(fake: FakeServer) -> None:
    v3(fake, prompt="one", num_images=2)
    v3(fake, prompt="one")
    legacy(fake, prompt="two", num_images=3)
    url = one_url(fake, prompt="three")
    image_id = URL_RE.match(url)["id"]  # type: ignore[index]
    for _ in range(3):
        httpx.get(url)
    stats = fake.stats()
    assert stats.pop("in_flight") == 0
    assert stats.pop("peak_in_flight") == 3  # the 3-image call
    assert stats == {
        "generate_calls": 4,
        "calls_by_endpoint": {"/v1/ideogram-v3/generate": 3, "/generate": 1},
        "calls_by_prompt": {"one": 2, "two": 1, "three": 1},
        "images_issued": 7,
        "answered_by_prompt": {"one": 2, "two": 1, "three": 1},
        "downloads": 3,
        "downloads_by_image": {image_id: 3},
        "webhooks": {},
    }
    fake.reset()
    assert fake.stats()["downloads_by_image"] == {} and fake.stats()["images_issued"] == 0
    assert httpx.get(url).status_code == 200  # links outlive a reset


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def fake_process() -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``serve()`` in its own process, as ``ideovault fake-api`` runs it."""
    port = _free_port()
    code = (
        "from ideogram_fake import FakeConfig, serve; "
        f"serve('127.0.0.1', {port}, FakeConfig(api_key={KEY!r}))"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"

    def answering() -> bool:
        if proc.poll() is not None:
            raise RuntimeError("the fake did not start")
        try:
            httpx.get(f"{base}/_fake/stats", timeout=30)
        except httpx.TransportError:
            return False
        return True

    try:
        wait_for(answering, timeout=60, what="the fake answering")
        yield base, proc
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def test_serve_in_another_process(fake_process: tuple[str, subprocess.Popen[bytes]]) -> None:
    base, proc = fake_process
    headers = {"Api-Key": KEY}
    inject_remote(base, "drop")
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.post(
            f"{base}/v1/ideogram-v3/generate", headers=headers, files={"prompt": (None, "x")}
        )
    res = httpx.post(f"{base}/generate", headers=headers, json={"image_request": {"prompt": "x"}})
    assert res.status_code == 200
    assert httpx.get(res.json()["data"][0]["url"]).status_code == 200
    assert httpx.get(f"{base}/_fake/stats").json()["generate_calls"] == 2
    proc.terminate()
    _, stderr = proc.communicate(timeout=60)
    assert b"Traceback" not in stderr and KEY.encode() not in stderr
