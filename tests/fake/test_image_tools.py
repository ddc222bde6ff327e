"""The fake's newer /v1 routes answer like Ideogram (§2.2, §5, §7): generate-transparent,
remove-background, layerize-text and edit by instruction, over real multipart on loopback."""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
from PIL import Image

from ideogram_fake import FakeServer
from tests.fake.conftest import URL_RE, H, image_bytes, own_server, post

TRANSPARENT = "/v1/ideogram-v3/generate-transparent"
SQUARE = image_bytes(64, 64)
WIDE = image_bytes(96, 48, "JPEG")


def fetch(url: str) -> Image.Image:
    res = httpx.get(url, timeout=60)
    assert res.status_code == 200 and res.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(res.content))
    image.load()
    return image


def ok(res: httpx.Response) -> dict[str, Any]:
    assert res.status_code == 200, res.text
    body: dict[str, Any] = res.json()
    return body


def refused(res: httpx.Response, text: str, status: int = 400) -> None:
    assert res.status_code == status, res.text
    assert text in res.json()["error"], res.json()


def test_transparent_reports_both_sizes_and_serves_rgba(fake: FakeServer) -> None:
    body = ok(post(fake, TRANSPARENT, prompt="a logo", upscale_factor="X2", aspect_ratio="16x9",
                   rendering_speed="TURBO", num_images=2, seed=5, negative_prompt="text",
                   magic_prompt="OFF"))  # fmt: skip
    assert [(d["resolution"], d["upscaled_resolution"], d["seed"]) for d in body["data"]] == [
        ("1312x736", "2624x1472", 5)
    ] * 2
    assert all("style_type" not in d and URL_RE.match(d["url"]) for d in body["data"])
    image = fetch(body["data"][0]["url"])
    assert image.mode == "RGBA" and image.size == (2624, 1472)
    alpha = image.getchannel("A")
    assert alpha.getextrema() == (0, 255)  # a clear field around an opaque subject
    plain = ok(post(fake, TRANSPARENT, prompt="a logo"))["data"][0]
    assert plain["resolution"] == "1024x1024" and "upscaled_resolution" not in plain
    assert fetch(plain["url"]).mode == "RGBA"
    assert fake.stats()["calls_by_endpoint"] == {TRANSPARENT: 2}


def test_transparent_x4_and_a_json_body(fake: FakeServer) -> None:
    res = httpx.post(
        f"{fake.base_url}{TRANSPARENT}", headers=H, timeout=60,
        json={"prompt": "a badge", "upscale_factor": "X4", "aspect_ratio": "1x3", "seed": 1},
    )  # fmt: skip
    (item,) = ok(res)["data"]
    assert (item["resolution"], item["upscaled_resolution"]) == ("512x1536", "2048x6144")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"prompt": "x", "rendering_speed": "FLASH"}, "FLASH is not supported"),
        ({"prompt": "x", "resolution": "1024x1024"}, "resolution is not accepted"),
        ({"prompt": "x", "upscale_factor": "X3"}, "not a valid upscale_factor"),
        ({"prompt": "x", "aspect_ratio": "7x5"}, "not a valid aspect_ratio"),
        ({"prompt": "x", "style_type": "DESIGN"}, "unknown field(s)"),
        ({"prompt": "x", "num_images": 9}, "num_images must be between 1 and 8"),
        ({"upscale_factor": "X2"}, "prompt is required"),
    ],
)
def test_transparent_refusals(fake: FakeServer, fields: dict[str, Any], message: str) -> None:
    refused(post(fake, TRANSPARENT, **fields), message)


def test_remove_background_is_one_item_with_url_and_safety_only(fake: FakeServer) -> None:
    body = ok(post(fake, "/v1/remove-background", {"image": WIDE}))
    assert set(body) == {"created", "data"} and body["created"].endswith("+00:00")
    (item,) = body["data"]
    assert set(item) == {"url", "is_image_safe"} and item["is_image_safe"] is True
    image = fetch(item["url"])
    assert image.mode == "RGBA" and image.size == (96, 48)
    again = ok(post(fake, "/v1/remove-background", {"image": WIDE}))["data"][0]
    assert httpx.get(again["url"]).content == httpx.get(item["url"]).content
    assert fake.stats()["images_issued"] == 2


@pytest.mark.parametrize(
    ("files", "fields", "message"),
    [
        ({"image": SQUARE}, {"prompt": "x"}, "prompt is not accepted"),
        ({"image": SQUARE}, {"num_images": 2}, "num_images is not accepted"),
        ({}, {"image": "not-a-file"}, "image must be uploaded as a file"),
        ({"image": b"GIF89a" + b"\x00" * 20}, {}, "not a GIF image"),
        ({"image": [SQUARE, SQUARE]}, {}, "image was given 2 times"),
    ],
)
def test_remove_background_refusals(
    fake: FakeServer, files: dict[str, Any], fields: dict[str, Any], message: str
) -> None:
    refused(post(fake, "/v1/remove-background", files, **fields), message)


def test_layerize_answers_the_base_image_and_text_blocks(fake: FakeServer) -> None:
    body = ok(post(fake, "/v1/ideogram-v3/layerize-text", {"image": WIDE},
                   prompt="GRAND SALE\n50% off", seed=8))  # fmt: skip
    assert body["seed"] == 8 and body["original_image_url"] is None
    assert fetch(body["base_image_url"]).size == (96, 48)
    blocks = body["text_blocks"]
    assert [b["text"] for b in blocks] == ["GRAND SALE", "50% off"]
    keys = {"role", "text", "x", "y", "width", "height", "angle", "color", "font_name",
            "font_alternatives", "font_size", "line_height", "alignment", "formatting"}  # fmt: skip
    assert all(set(b) == keys for b in blocks)
    bare = ok(post(fake, "/v1/ideogram-v3/layerize-text", {"image": SQUARE}))
    assert bare["text_blocks"] and 0 <= bare["seed"] <= 2_147_483_647
    assert (
        ok(post(fake, "/v1/ideogram-v3/layerize-text", {"image": SQUARE}))["text_blocks"]
        == (bare["text_blocks"])
    )
    refused(post(fake, "/v1/ideogram-v3/layerize-text", {"image": SQUARE}, num_images=2),
            "num_images is not accepted")  # fmt: skip
    refused(post(fake, "/v1/ideogram-v3/layerize-text", {"image": SQUARE}, seed="-1"),
            "seed must be between")  # fmt: skip


def test_instruct_takes_up_to_ten_images_and_links(fake: FakeServer) -> None:
    body = ok(post(fake, "/v1/edit", {"images": [WIDE, SQUARE]}, prompt="make it night",
                   num_images=2, seed=3, magic_prompt="OFF"))  # fmt: skip
    assert [(d["resolution"], d["seed"], d["prompt"]) for d in body["data"]] == [
        ("96x48", 3, "make it night")
    ] * 2
    assert fetch(body["data"][0]["url"]).mode == "RGB"
    clear = ok(post(fake, "/v1/edit", {"images": SQUARE}, prompt="x", aspect_ratio="4x3",
                    transparent_background="true"))["data"][0]  # fmt: skip
    assert clear["resolution"] == "1152x864" and fetch(clear["url"]).mode == "RGBA"
    linked = ok(post(fake, "/v1/edit", prompt="x", image_urls="https://ideogram.ai/a.png"))
    assert linked["data"][0]["resolution"] == "1024x1024"


@pytest.mark.parametrize(
    ("files", "fields", "message"),
    [
        ({"images": [SQUARE] * 11}, {"prompt": "x"}, "at most 10 input images, not 11"),
        ({}, {"prompt": "x"}, "images (files) or image_urls is required"),
        ({"image": SQUARE}, {"prompt": "x"}, "image is not accepted"),
        ({"images": SQUARE}, {}, "prompt is required"),
        ({"images": SQUARE}, {"prompt": "x", "transparent_background": "yes"}, "true or false"),
        ({"images": SQUARE}, {"prompt": "x", "image_urls": "file:///etc/passwd"}, "http(s)"),
        ({"images": SQUARE}, {"prompt": "x", "resolution": "1280x720"}, "not a valid resolution"),
        ({"images": SQUARE}, {"prompt": "x", "rendering_speed": "TURBO"}, "unknown field(s)"),
    ],
)
def test_instruct_refusals(
    fake: FakeServer, files: dict[str, Any], fields: dict[str, Any], message: str
) -> None:
    refused(post(fake, "/v1/edit", files, **fields), message)


def test_instruct_402_and_503_faults(fake: FakeServer) -> None:
    fake.inject("payment_required")
    res = post(fake, "/v1/edit", {"images": SQUARE}, prompt="x")
    assert res.status_code == 402 and res.json()["reject_reason"] == "insufficient_funds"
    fake.inject("unavailable")
    assert post(fake, "/v1/edit", {"images": SQUARE}, prompt="x").status_code == 503
    assert fake.stats()["images_issued"] == 0


def test_key_and_safety_on_the_new_routes(fake: FakeServer) -> None:
    flagged = image_bytes(64, 64, note="UNSAFE_UPLOAD")
    for path, files, fields in (
        ("/v1/remove-background", {"image": flagged}, {}),
        ("/v1/ideogram-v3/layerize-text", {"image": flagged}, {}),
        ("/v1/edit", {"images": flagged}, {"prompt": "x"}),
    ):
        assert post(fake, path, files, **fields).status_code == 422
        bad_key = post(fake, path, files, headers={"Api-Key": "nope"}, **fields)
        assert bad_key.status_code == 401 and "nope" not in bad_key.text
    refused(post(fake, TRANSPARENT, prompt="UNSAFE_PROMPT"), "Prompt provided", 422)


def test_lenient_mode_still_refuses_what_the_routes_do_not_take() -> None:
    with own_server(strict_fields=False) as fake:
        ok(post(fake, TRANSPARENT, prompt="x", style_type="DESIGN"))  # unknown: ignored
        refused(post(fake, TRANSPARENT, prompt="x", resolution="1024x1024"), "not accepted")
        refused(post(fake, "/v1/remove-background", {"image": SQUARE}, seed=1), "not accepted")
