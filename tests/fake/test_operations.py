"""The image-input routes answer like Ideogram (§2, §4, §5): real multipart over loopback."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from ideogram_fake import FakeServer
from tests.fake.conftest import URL_RE, image_bytes, png_size, post

SQUARE = image_bytes(64, 64)
MASK = image_bytes(64, 64, colour=0)
WIDE = image_bytes(96, 48, "JPEG")
V3_OPS = "/v1/ideogram-v3/"


def ok(res: httpx.Response) -> list[dict[str, Any]]:
    assert res.status_code == 200, res.text
    data: list[dict[str, Any]] = res.json()["data"]
    for item in data:
        assert item["url"] is None or URL_RE.match(item["url"]), item["url"]
    return data


def pixels(item: dict[str, Any]) -> tuple[int, int]:
    res = httpx.get(item["url"])
    assert res.status_code == 200 and res.headers["content-type"] == "image/png"
    return png_size(res.content)


def legacy_remix(fake: FakeServer, image: bytes = SQUARE, **req: Any) -> httpx.Response:
    return post(fake, "/remix", {"image_file": image}, image_request=json.dumps(req))


def test_legacy_remix_uses_the_generate_size_rules(fake: FakeServer) -> None:
    res = legacy_remix(
        fake, prompt="a fox", image_weight=30, aspect_ratio="ASPECT_16_9", num_images=2, seed=4,
        model="V_2_TURBO", style_type="DESIGN", magic_prompt_option="OFF",
    )  # fmt: skip
    data = ok(res)
    assert [(d["resolution"], d["seed"], d["style_type"], d["prompt"]) for d in data] == [
        ("1312x736", 4, "DESIGN", "a fox")
    ] * 2
    assert pixels(data[1]) == (1312, 736)
    default = ok(legacy_remix(fake, prompt="a fox", resolution="RESOLUTION_1024_640"))[0]
    assert default["resolution"] == "1024x640" and default["style_type"] == "AUTO"
    assert fake.stats()["calls_by_endpoint"] == {"/remix": 2}
    assert fake.stats()["calls_by_prompt"] == {"a fox": 2}


def test_upscale_reports_both_sizes_and_renders_twice_the_input(fake: FakeServer) -> None:
    res = post(
        fake, "/upscale", {"image_file": WIDE},
        image_request=json.dumps({"resemblance": 80, "detail": 20, "num_images": 2, "seed": 1}),
    )  # fmt: skip
    data = ok(res)
    assert len(data) == 2
    for item in data:
        assert item["resolution"] == "96x48" and item["upscaled_resolution"] == "192x96"
        assert "style_type" not in item and item["prompt"] == "" and item["seed"] == 1
    assert pixels(data[0]) == (192, 96)
    with_prompt = post(
        fake, "/upscale", {"image_file": SQUARE},
        image_request=json.dumps({"prompt": "crisp", "magic_prompt_option": "ON"}),
    )  # fmt: skip
    assert ok(with_prompt)[0]["prompt"].startswith("crisp, ")
    assert ok(post(fake, "/upscale", {"image_file": SQUARE}, image_request="{}"))


def test_legacy_edit_keeps_the_input_size(fake: FakeServer) -> None:
    rect, rect_mask = image_bytes(80, 48), image_bytes(80, 48, colour=0)
    res = post(
        fake, "/edit", {"image_file": rect, "mask": rect_mask}, prompt="a hat", model="V_2",
        num_images=3, seed=7, style_type="REALISTIC", magic_prompt_option="OFF",
    )  # fmt: skip
    data = ok(res)
    assert {(d["resolution"], d["seed"], d["style_type"], d["prompt"]) for d in data} == {
        ("80x48", 7, "REALISTIC", "a hat")
    }
    assert pixels(data[2]) == (80, 48)


def test_legacy_reframe_renders_the_asked_resolution(fake: FakeServer) -> None:
    res = post(
        fake, "/reframe", {"image_file": SQUARE}, resolution="RESOLUTION_1280_720",
        model="V_2_TURBO", seed=3, num_images=2,
    )  # fmt: skip
    data = ok(res)
    assert [(d["resolution"], d["prompt"], d["style_type"]) for d in data] == [
        ("1280x720", "", "AUTO")
    ] * 2
    assert pixels(data[0]) == (1280, 720)


def test_describe_is_deterministic_and_counted(fake: FakeServer) -> None:
    first = post(fake, "/describe", {"image_file": WIDE})
    assert first.status_code == 200, first.text
    body = first.json()
    assert set(body) == {"descriptions"} and len(body["descriptions"]) == 1
    text = body["descriptions"][0]["text"]
    assert "96x48 JPEG" in text
    assert post(fake, "/describe", {"image_file": WIDE}).json() == body
    other = post(fake, "/describe", {"image_file": SQUARE}).json()["descriptions"][0]["text"]
    assert other != text and "64x64 PNG" in other
    v4 = post(fake, "/describe", {"image_file": WIDE}, describe_model_version="V_4").json()
    assert v4["descriptions"][0]["text"].startswith(text) and v4 != body
    stats = fake.stats()
    assert stats["calls_by_endpoint"] == {"/describe": 4} and stats["images_issued"] == 0


@pytest.mark.parametrize("route", ["inpaint", "edit"])
def test_v3_inpaint_and_its_alias(fake: FakeServer, route: str) -> None:
    res = post(
        fake, V3_OPS + route, {"image": SQUARE, "mask": MASK}, prompt="a boat", num_images=2,
        seed=11, rendering_speed="TURBO", style_type="FICTION", magic_prompt="OFF",
        style_preset="WATERCOLOR", color_palette='{"name":"EMBER"}',
    )  # fmt: skip
    data = ok(res)
    assert {(d["resolution"], d["seed"], d["style_type"], d["prompt"]) for d in data} == {
        ("64x64", 11, "FICTION", "a boat")
    }
    assert pixels(data[0]) == (64, 64)
    assert fake.stats()["calls_by_endpoint"] == {V3_OPS + route: 1}


def test_v3_inpaint_with_style_references_and_a_character(fake: FakeServer) -> None:
    files = {
        "image": SQUARE,
        "mask": MASK,
        "style_reference_images": [image_bytes(32, 32), image_bytes(40, 40, "WEBP")],
        "character_reference_images": image_bytes(50, 60),
        "character_reference_images_mask": image_bytes(50, 60, colour=255),
    }
    data = ok(post(fake, V3_OPS + "inpaint", files, prompt="a boat"))
    assert data[0]["style_type"] == "GENERAL"


def test_v3_remix_sizes_and_weight(fake: FakeServer) -> None:
    res = post(
        fake, V3_OPS + "remix", {"image": WIDE}, prompt="a fox", image_weight=70,
        aspect_ratio="2x3", negative_prompt="blur", style_codes=["AAFF5733", "00112233"],
    )  # fmt: skip
    item = ok(res)[0]
    assert item["resolution"] == "832x1248" and item["style_type"] == "GENERAL"
    assert pixels(item) == (832, 1248)
    item = ok(post(fake, V3_OPS + "remix", {"image": WIDE}, prompt="x", resolution="1344x768"))[0]
    assert item["resolution"] == "1344x768"
    assert ok(post(fake, V3_OPS + "remix", {"image": WIDE}, prompt="x"))[0]["resolution"] == (
        "1024x1024"
    )


def test_v3_reframe_and_replace_background(fake: FakeServer) -> None:
    reframed = post(
        fake, V3_OPS + "reframe", {"image": SQUARE, "style_reference_images": WIDE},
        resolution="1536x640", num_images=2, rendering_speed="QUALITY", style_preset="BAUHAUS",
    )  # fmt: skip
    data = ok(reframed)
    assert len(data) == 2 and all("style_type" not in d for d in data)
    assert data[0]["resolution"] == "1536x640" and pixels(data[0]) == (1536, 640)
    replaced = post(
        fake, V3_OPS + "replace-background", {"image": WIDE}, prompt="a beach at dawn",
        magic_prompt="ON", seed=2,
    )  # fmt: skip
    item = ok(replaced)[0]
    assert item["resolution"] == "96x48" and "style_type" not in item
    assert item["prompt"].startswith("a beach at dawn, ") and pixels(item) == (96, 48)


def test_outputs_depend_on_the_input_image(fake: FakeServer) -> None:
    def remix_bytes(image: bytes) -> bytes:
        item = ok(post(fake, V3_OPS + "remix", {"image": image}, prompt="x", seed=1))[0]
        return httpx.get(item["url"]).content

    first = remix_bytes(SQUARE)
    assert remix_bytes(SQUARE) == first
    assert remix_bytes(image_bytes(64, 64, colour=10)) != first


def test_unsafe_prompt_upload_and_image_on_operations(fake: FakeServer) -> None:
    bad_prompt = post(fake, V3_OPS + "remix", {"image": SQUARE}, prompt="UNSAFE_PROMPT")
    assert bad_prompt.status_code == 422 and bad_prompt.json()["error"].startswith("Prompt")
    flagged = image_bytes(64, 64, note="UNSAFE_UPLOAD")
    for res in (
        post(fake, V3_OPS + "remix", {"image": flagged}, prompt="x"),
        post(fake, "/describe", {"image_file": flagged}),
        post(fake, V3_OPS + "inpaint", {"image": SQUARE, "mask": MASK,
                                        "style_reference_images": flagged}, prompt="x"),
    ):  # fmt: skip
        assert res.status_code == 422, res.text
        assert res.json() == {
            "error": "Image provided failed safety check due to the inclusion of prohibited "
            "content."
        }
    data = ok(legacy_remix(fake, prompt="UNSAFE_IMAGE", num_images=2))
    assert [d["is_image_safe"] for d in data] == [True, False] and data[1]["url"] is None
    assert fake.stats()["images_issued"] == 2


def test_random_seeds_when_none_given(fake: FakeServer) -> None:
    data = ok(post(fake, V3_OPS + "replace-background", {"image": SQUARE}, prompt="x",
                   num_images=8))  # fmt: skip
    seeds = {d["seed"] for d in data}
    assert len(seeds) > 1 and all(0 <= s <= 2_147_483_647 for s in seeds)


def test_v3_generate_accepts_reference_files(fake: FakeServer) -> None:
    files = {
        "style_reference_images": [image_bytes(30, 30), image_bytes(20, 20, "JPEG")],
        "character_reference_images": image_bytes(40, 40),
        "character_reference_images_mask": image_bytes(40, 40, colour=0),
    }
    res = post(fake, "/v1/ideogram-v3/generate", files, prompt="x", style_preset="POP_ART")
    assert ok(res)[0]["resolution"] == "1024x1024"
