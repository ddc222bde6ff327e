"""The image-input routes share the generate routes' machinery: faults, the in-flight cap
counting images, peak gauge, expiring links (§7, §9, §12)."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from ideogram_fake import FakeServer
from tests.fake.conftest import H, MovableClock, image_bytes, link_exp, own_server, post
from tests.waiting import wait_for

SQUARE = image_bytes(48, 48)
INPAINT = "/v1/ideogram-v3/inpaint"


def inpaint(fake: FakeServer, num_images: int = 1, prompt: str = "x") -> httpx.Response:
    files = {"image": SQUARE, "mask": image_bytes(48, 48, colour=0)}
    return post(fake, INPAINT, files, prompt=prompt, num_images=num_images)


def test_in_flight_cap_counts_images_across_routes() -> None:
    with own_server(max_in_flight=4, latency=0.5) as capped:
        calls = [
            lambda: inpaint(capped, 3),
            lambda: post(capped, "/upscale", {"image_file": SQUARE},
                         image_request=json.dumps({"num_images": 2})),
            lambda: post(capped, "/v1/ideogram-v4/remix", {"image": SQUARE}, text_prompt="x"),
        ]  # fmt: skip
        with ThreadPoolExecutor(3) as pool:
            answers = [f.result() for f in [pool.submit(c) for c in calls]]
        codes = sorted(a.status_code for a in answers)
        assert codes in ([200, 200, 429], [200, 429, 429]), codes
        rejected = next(a for a in answers if a.status_code == 429)
        assert rejected.json()["reject_reason"] == "inflight_limit"
        assert rejected.json()["max_inflight_requests"] == 4
        stats = capped.stats()
        assert stats["in_flight"] == 0 and 3 <= stats["peak_in_flight"] <= 4
        assert inpaint(capped, 5).status_code == 429  # never fits
        assert inpaint(capped, 4).status_code == 200  # the places were released


def test_describe_holds_one_place_and_issues_no_image() -> None:
    with own_server(max_in_flight=1, latency=2.0) as capped:
        with ThreadPoolExecutor(2) as pool:
            first = pool.submit(post, capped, "/describe", {"image_file": SQUARE})
            wait_for(lambda: capped.stats()["in_flight"] == 1, what="the describe call")
            second = pool.submit(inpaint, capped)
            codes = sorted([first.result().status_code, second.result().status_code])
        assert codes == [200, 429]
        stats = capped.stats()
        assert stats["peak_in_flight"] == 1 and stats["images_issued"] == 0


def test_faults_hit_the_operation_routes_in_order(fake: FakeServer) -> None:
    fake.inject("rate_limit", retry_after=0.5)
    fake.inject("unavailable")
    fake.inject("server_error")
    limited = inpaint(fake)
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "0.5"
    assert post(fake, "/describe", {"image_file": SQUARE}).status_code == 503
    assert post(fake, "/v1/ideogram-v4/generate", text_prompt="x").status_code == 500
    assert inpaint(fake).status_code == 200
    stats = fake.stats()
    assert stats["images_issued"] == 1 and stats["generate_calls"] == 4
    assert stats["calls_by_endpoint"] == {
        INPAINT: 2, "/describe": 1, "/v1/ideogram-v4/generate": 1
    }  # fmt: skip


def test_drop_cuts_an_operation_call(fake: FakeServer) -> None:
    fake.inject("drop")
    with pytest.raises(httpx.RemoteProtocolError):
        inpaint(fake, prompt="dropped")
    assert fake.stats()["calls_by_prompt"] == {"dropped": 1}
    assert fake.stats()["images_issued"] == 0


def test_validation_comes_before_faults(fake: FakeServer) -> None:
    fake.inject("unavailable")
    assert post(fake, "/v1/ideogram-v4/generate", text_prompt="x", num_images=2).status_code == 400
    assert post(fake, "/v1/ideogram-v4/generate", text_prompt="x").status_code == 503


def test_slow_operation_holds_its_places() -> None:
    with own_server() as server:
        server.inject("slow_generate", seconds=1.0)
        with ThreadPoolExecutor(1) as pool:
            running = pool.submit(inpaint, server, 3)
            wait_for(lambda: server.stats()["in_flight"] == 3, what="three places held")
            assert running.result().status_code == 200
        assert server.stats()["in_flight"] == 0 and server.stats()["peak_in_flight"] == 3


@pytest.mark.parametrize(
    "route", ["/remix", "/upscale", INPAINT, "/v1/ideogram-v4/generate", "/v1/ideogram-v4/remix"]
)
def test_links_of_operations_expire(route: str) -> None:
    request = {
        "/remix": ({"image_file": SQUARE}, {"image_request": json.dumps({"prompt": "x"})}),
        "/upscale": ({"image_file": SQUARE}, {"image_request": "{}"}),
        INPAINT: ({"image": SQUARE, "mask": SQUARE}, {"prompt": "x"}),
        "/v1/ideogram-v4/generate": ({}, {"text_prompt": "x", "resolution": "720x1280"}),
        "/v1/ideogram-v4/remix": ({"image": SQUARE}, {"text_prompt": "x", "seed": 1}),
    }[route]  # fmt: skip
    clock = MovableClock()
    with own_server(link_ttl=60, clock=clock) as short:
        res = post(short, route, request[0], **request[1])
        assert res.status_code == 200, res.text
        url = res.json()["data"][0]["url"]
        assert httpx.get(url).status_code == 200
        clock.move_past(link_exp(url))
        assert httpx.get(url).status_code == 403


def test_stats_over_http_show_routes_and_peak(fake: FakeServer) -> None:
    inpaint(fake, 2)
    post(fake, "/describe", {"image_file": SQUARE})
    stats = httpx.get(f"{fake.base_url}/_fake/stats").json()
    assert stats["calls_by_endpoint"] == {INPAINT: 1, "/describe": 1}
    assert stats["peak_in_flight"] >= 2 and stats["images_issued"] == 2


def test_lenient_mode_ignores_unknown_fields_on_operations() -> None:
    with own_server(strict_fields=False) as lenient:
        extra = {"made_up": "x"}
        res = post(lenient, INPAINT, {"image": SQUARE, "mask": SQUARE, "junk": b"x"},
                   prompt="x", **extra)  # fmt: skip
        assert res.status_code == 200, res.text
        wrapped = json.dumps({"prompt": "x", "rendering_speed": "TURBO"})
        assert (
            post(lenient, "/remix", {"image_file": SQUARE}, image_request=wrapped).status_code
            == 200
        )


def test_v4_generate_json_content_type_is_checked(fake: FakeServer) -> None:
    url = f"{fake.base_url}/v1/ideogram-v4/generate"
    plain = httpx.post(url, headers={**H, "Content-Type": "text/plain"}, content=b"x")
    assert plain.status_code == 400 and "application/json" in plain.json()["error"]
    broken = httpx.post(url, headers={**H, "Content-Type": "application/json"}, content=b"{")
    assert broken.status_code == 400
