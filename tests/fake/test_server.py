"""The fake server behaves like Ideogram (ideogram-api.md §12), over real HTTP on loopback."""

from __future__ import annotations

import io
import json
import time
from typing import Any

import httpx
import pytest
from PIL import Image

from ideovault.fake import FakeConfig, FakeServer, inject_remote
from tests.fake.conftest import KEY

H = {"Api-Key": KEY}


def v3(fake: FakeServer, headers: dict[str, str] | None = None, **fields: Any) -> httpx.Response:
    parts = []
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            parts.append((name, (None, str(item))))
    return httpx.post(
        f"{fake.base_url}/v1/ideogram-v3/generate", headers=H if headers is None else headers,
        files=parts, timeout=30,
    )  # fmt: skip


def legacy(fake: FakeServer, **request: Any) -> httpx.Response:
    return httpx.post(
        f"{fake.base_url}/generate", headers=H, json={"image_request": request}, timeout=30
    )


def test_v3_answers_with_downloadable_pngs_of_the_reported_size(fake: FakeServer) -> None:
    res = v3(fake, prompt="a fox", num_images=3, aspect_ratio="16x9", seed=5)
    assert res.status_code == 200
    body = res.json()
    assert body["created"].endswith("+00:00") and "." in body["created"]
    assert len(body["data"]) == 3
    for item in body["data"]:
        assert item["resolution"] == "1312x736" and item["seed"] == 5
        assert item["style_type"] == "GENERAL" and item["is_image_safe"] is True
        assert "/api/images/ephemeral/" in item["url"] and "exp=" in item["url"]
        png = httpx.get(item["url"])
        assert png.headers["content-type"] == "image/png"
        assert Image.open(io.BytesIO(png.content)).size == (1312, 736)
    assert fake.stats()["images_issued"] == 3


def test_v3_accepts_json_too(fake: FakeServer) -> None:
    res = httpx.post(
        f"{fake.base_url}/v1/ideogram-v3/generate", headers=H, json={"prompt": "x", "seed": 1}
    )
    assert res.status_code == 200 and res.json()["data"][0]["seed"] == 1


def test_legacy_route(fake: FakeServer) -> None:
    res = legacy(fake, prompt="fox", model="V_2", resolution="RESOLUTION_1024_640", seed=3)
    assert res.status_code == 200
    assert res.json()["data"][0]["resolution"] == "1024x640"
    assert (
        legacy(fake, prompt="fox", model="V_2A", aspect_ratio="ASPECT_3_1").json()["data"][0][
            "resolution"
        ]
        == "1536x512"
    )


def test_images_are_deterministic(fake: FakeServer) -> None:
    def image(seed: int) -> bytes:
        url = v3(fake, prompt="same", seed=seed).json()["data"][0]["url"]
        return httpx.get(url).content

    assert image(1) == image(1)
    assert image(1) != image(2)


def test_random_seed_when_none_given(fake: FakeServer) -> None:
    seeds = {v3(fake, prompt="x").json()["data"][0]["seed"] for _ in range(3)}
    assert len(seeds) > 1 and all(0 <= s <= 2_147_483_647 for s in seeds)


@pytest.mark.parametrize(
    "headers", [{}, {"Api-Key": "wrong-key-XYZ"}, {"Authorization": f"Bearer {KEY}"}]
)
def test_key_is_required(fake: FakeServer, headers: dict[str, str]) -> None:
    res = v3(fake, headers=headers, prompt="x")
    assert res.status_code == 401
    assert "wrong-key-XYZ" not in res.text and KEY not in res.text


@pytest.mark.parametrize(
    "fields",
    [
        {"num_images": 9}, {"num_images": 0}, {"aspect_ratio": "7x5"},
        {"aspect_ratio": "1x1", "resolution": "1024x1024"}, {"style_type": "ANIME"},
        {"style_type": "DESIGN", "style_codes": "AAFF5733"}, {"rendering_speed": "WARP"},
        {"seed": -1}, {"seed": "abc"}, {"magic_prompt": "MAYBE"}, {"prompt": ""},
    ],
)  # fmt: skip
def test_v3_validation(fake: FakeServer, fields: dict[str, Any]) -> None:
    res = v3(fake, **{"prompt": "x", **fields})
    assert res.status_code == 400, res.text
    assert res.json()["error"]


@pytest.mark.parametrize(
    "request_",
    [
        {"prompt": "x", "model": "V_3"},
        {"prompt": "x", "model": "V_2A", "resolution": "RESOLUTION_1024_1024"},
        {"prompt": "x", "model": "V_1", "style_type": "DESIGN"}, {"prompt": "x", "num_images": 99},
        {"prompt": "x", "model": "V_2A", "negative_prompt": "y"}, {"model": "V_2"},
    ],
)  # fmt: skip
def test_legacy_validation(fake: FakeServer, request_: dict[str, Any]) -> None:
    assert legacy(fake, **request_).status_code == 400


def test_legacy_needs_json(fake: FakeServer) -> None:
    res = httpx.post(f"{fake.base_url}/generate", headers=H, data={"prompt": "x"})
    assert res.status_code == 400


def test_safety(fake: FakeServer) -> None:
    res = v3(fake, prompt="UNSAFE_PROMPT here")
    assert res.status_code == 422 and "safety check" in res.json()["error"]
    items = v3(fake, prompt="UNSAFE_IMAGE here", num_images=2).json()["data"]
    assert items[0]["url"] and items[0]["is_image_safe"]
    assert items[1]["url"] is None and items[1]["is_image_safe"] is False


def test_magic_prompt(fake: FakeServer) -> None:
    def shown(**f: Any) -> str:
        return str(v3(fake, prompt="a cat", **f).json()["data"][0]["prompt"])

    assert shown(magic_prompt="OFF") == "a cat"
    assert shown(magic_prompt="ON").startswith("a cat, ")
    assert shown().startswith("a cat, ")  # AUTO expands short prompts


def test_links_expire_and_signatures_are_checked() -> None:
    with FakeServer(FakeConfig(api_key=KEY, link_ttl=1)) as short:
        url = v3(short, prompt="x").json()["data"][0]["url"]
        assert httpx.get(url).status_code == 200
        assert httpx.get(url.replace("sig=", "sig=0")).status_code == 403
        time.sleep(2.1)
        assert httpx.get(url).status_code == 403


def test_generate_faults(fake: FakeServer) -> None:
    fake.inject("rate_limit", retry_after=0.5)
    res = v3(fake, prompt="x")
    assert res.status_code == 429 and res.headers["Retry-After"] == "0.5"
    assert res.json()["reject_reason"] == "inflight_limit"
    fake.inject("unavailable")
    assert v3(fake, prompt="x").status_code == 503
    fake.inject("server_error")
    assert v3(fake, prompt="x").status_code == 500
    fake.inject("drop")
    with pytest.raises(httpx.RemoteProtocolError):
        v3(fake, prompt="x")
    fake.inject("slow_generate", seconds=0.3)
    start = time.monotonic()
    assert v3(fake, prompt="x").status_code == 200
    assert time.monotonic() - start >= 0.3
    assert fake.stats()["generate_calls"] == 5


def test_download_faults(fake: FakeServer) -> None:
    url = v3(fake, prompt="x", seed=1).json()["data"][0]["url"]
    good = httpx.get(url).content
    fake.inject("expire")
    assert httpx.get(url).status_code == 403
    fake.inject("truncate")
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(url)
    fake.inject("corrupt")
    junk = httpx.get(url).content
    assert junk != good and len(junk) == len(good)
    fake.inject("slow_download", seconds=0.3)
    start = time.monotonic()
    assert httpx.get(url).content == good
    assert time.monotonic() - start >= 0.25
    assert fake.stats()["downloads"] == 5


def test_in_flight_cap() -> None:
    with FakeServer(FakeConfig(api_key=KEY, max_in_flight=3, latency=0.5)) as capped:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(3) as pool:
            codes = list(
                pool.map(lambda _: v3(capped, prompt="x", num_images=2).status_code, range(3))
            )
        assert codes.count(200) == 1 and codes.count(429) == 2


def test_admin_routes_over_http(fake: FakeServer) -> None:
    inject_remote(fake.base_url, "unavailable", times=2)
    assert v3(fake, prompt="x").status_code == 503
    assert v3(fake, prompt="x").status_code == 503
    assert v3(fake, prompt="x").status_code == 200
    stats = httpx.get(f"{fake.base_url}/_fake/stats").json()
    assert stats["calls_by_prompt"] == {"x": 3}
    bad = httpx.post(f"{fake.base_url}/_fake/faults", content=json.dumps({"kind": "nope"}))
    assert bad.status_code == 400
    httpx.post(f"{fake.base_url}/_fake/reset")
    assert fake.stats()["generate_calls"] == 0
