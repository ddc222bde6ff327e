"""Ideogram 4.0 generate and remix (§6.1, §6.3): one image, JSON captions, FLASH refused."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from ideogram_fake import FakeServer
from tests.fake.conftest import H, image_bytes, own_server, png_size, post

GEN = "/v1/ideogram-v4/generate"
REMIX = "/v1/ideogram-v4/remix"
JSON_PROMPT: dict[str, Any] = {
    "high_level_description": "A red bicycle leaning on a blue wall.",
    "style_description": {"medium": "photograph", "color_palette": ["#FF0000", "#0000FF"]},
    "compositional_deconstruction": {
        "background": "a blue stucco wall",
        "elements": [
            {"type": "obj", "desc": "red bicycle", "bbox": [300, 100, 900, 800]},
            {"type": "text", "text": "RIDE", "desc": "painted letters"},
        ],
    },
}


def item_of(res: httpx.Response) -> dict[str, Any]:
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["response_type"] == "url" and len(body["data"]) == 1
    item: dict[str, Any] = body["data"][0]
    assert set(item) == {"url", "prompt", "resolution", "is_image_safe", "seed"}
    return item


def test_text_prompt_gives_one_image_with_a_json_caption(fake: FakeServer) -> None:
    item = item_of(post(fake, GEN, text_prompt="a fox in snow", resolution="1280x720", seed=9))
    caption = json.loads(item["prompt"])
    assert caption["high_level_description"].startswith("a fox in snow")
    assert caption["compositional_deconstruction"]["background"]
    assert len(item["prompt"]) > 200 and item["seed"] == 9 and item["resolution"] == "1280x720"
    assert png_size(httpx.get(item["url"]).content) == (1280, 720)
    again = item_of(post(fake, GEN, text_prompt="a fox in snow", resolution="1280x720", seed=9))
    assert again["prompt"] == item["prompt"]
    assert httpx.get(again["url"]).content == httpx.get(item["url"]).content
    stats = fake.stats()
    assert stats["calls_by_endpoint"] == {GEN: 2} and stats["calls_by_prompt"] == {
        "a fox in snow": 2
    }


def test_json_prompt_is_used_verbatim_multipart_and_json(fake: FakeServer) -> None:
    multipart = item_of(
        post(fake, GEN, json_prompt=json.dumps(JSON_PROMPT), resolution="1024x1024")
    )
    assert json.loads(multipart["prompt"]) == JSON_PROMPT
    as_json = httpx.post(
        f"{fake.base_url}{GEN}", headers=H,
        json={"json_prompt": JSON_PROMPT, "resolution": "720x1440", "rendering_speed": "TURBO",
              "enable_copyright_detection": True, "seed": None},
    )  # fmt: skip
    item = item_of(as_json)
    assert json.loads(item["prompt"]) == JSON_PROMPT and item["resolution"] == "720x1440"


def test_default_size_is_the_2k_square_and_the_seed_random(fake: FakeServer) -> None:
    item = item_of(httpx.post(f"{fake.base_url}{GEN}", headers=H, json={"text_prompt": "x"}))
    assert item["resolution"] == "2048x2048" and 0 <= item["seed"] <= 2_147_483_647


@pytest.mark.parametrize(
    "fields",
    [
        {"resolution": "1024x1024"}, {"text_prompt": "x", "json_prompt": json.dumps(JSON_PROMPT)},
        {"text_prompt": ""},
        {"json_prompt": "not json"}, {"json_prompt": "[1]"}, {"json_prompt": "{}"},
        {"json_prompt": json.dumps({**JSON_PROMPT, "compositional_deconstruction": {}})},
        {"json_prompt": json.dumps({**JSON_PROMPT, "compositional_deconstruction": {
            "background": "b", "elements": [{"type": "text", "desc": "no text"}]}})},
        {"json_prompt": json.dumps({**JSON_PROMPT, "compositional_deconstruction": {
            "background": "b", "elements": [{"type": "obj", "desc": "d", "bbox": [0, 0, 2000]}]}})},
        {"text_prompt": "x", "resolution": "1024x832"}, {"text_prompt": "x", "resolution": "4K"},
        {"text_prompt": "x", "rendering_speed": "WARP"}, {"text_prompt": "x", "seed": -1},
        {"text_prompt": "x", "enable_copyright_detection": "maybe"},
        {"text_prompt": "x", "num_images": 2}, {"text_prompt": "x", "negative_prompt": "y"},
        {"text_prompt": "x", "style_type": "GENERAL"}, {"text_prompt": "x", "magic_prompt": "ON"},
        {"text_prompt": "x", "style_preset": "BAUHAUS"},
        {"text_prompt": "x", "aspect_ratio": "1x1"},
        {"text_prompt": "x", "color_palette": '{"name":"EMBER"}'}, {"prompt": "x"},
    ],
)  # fmt: skip
def test_generate_rules(fake: FakeServer, fields: dict[str, Any]) -> None:
    res = post(fake, GEN, **fields)
    assert res.status_code == 400, res.text
    assert res.json()["error"]
    assert fake.stats()["images_issued"] == 0


def test_both_or_neither_prompt_and_flash_messages(fake: FakeServer) -> None:
    for fields in ({"seed": 1}, {"text_prompt": "x", "json_prompt": json.dumps(JSON_PROMPT)}):
        assert "exactly one" in post(fake, GEN, **fields).json()["error"]
    for body in ({}, {"text_prompt": "x", "json_prompt": JSON_PROMPT}):
        res = httpx.post(f"{fake.base_url}{GEN}", headers=H, json=body)
        assert res.status_code == 400 and "exactly one" in res.json()["error"]
    for res in (
        post(fake, GEN, text_prompt="x", rendering_speed="FLASH"),
        post(fake, REMIX, {"image": image_bytes()}, text_prompt="x", rendering_speed="FLASH"),
    ):
        assert res.status_code == 400 and "coming soon" in res.json()["error"]


def test_refused_fields_stay_refused_in_lenient_mode() -> None:
    with own_server(strict_fields=False) as lenient:
        assert post(lenient, GEN, text_prompt="x", num_images=2).status_code == 400
        assert post(lenient, GEN, text_prompt="x", made_up="y").status_code == 200


def test_remix_keeps_the_shape_of_the_input(fake: FakeServer) -> None:
    wide = image_bytes(160, 90)
    item = item_of(post(fake, REMIX, {"image": wide}, text_prompt="a fox", image_weight=40))
    assert item["resolution"] == "2560x1440"
    assert json.loads(item["prompt"])["high_level_description"].startswith("a fox")
    sized = post(
        fake, REMIX, {"image": wide}, text_prompt="a fox", resolution="1024x1024", seed=5,
        rendering_speed="QUALITY", enable_copyright_detection="false",
    )  # fmt: skip
    item = item_of(sized)
    assert item["seed"] == 5 and png_size(httpx.get(item["url"]).content) == (1024, 1024)
    assert fake.stats()["calls_by_endpoint"] == {REMIX: 2}


@pytest.mark.parametrize(
    "fields",
    [{"image_weight": 0}, {"image_weight": 101}, {"resolution": "1312x736"}, {"num_images": 1},
     {"json_prompt": json.dumps(JSON_PROMPT)}, {"text_prompt": ""}],
)  # fmt: skip
def test_remix_rules(fake: FakeServer, fields: dict[str, Any]) -> None:
    res = post(fake, REMIX, {"image": image_bytes()}, **{"text_prompt": "x", **fields})
    assert res.status_code == 400, res.text


def test_remix_needs_an_image_and_multipart(fake: FakeServer) -> None:
    assert "image" in post(fake, REMIX, text_prompt="x").json()["error"]
    as_json = httpx.post(f"{fake.base_url}{REMIX}", headers=H, json={"text_prompt": "x"})
    assert as_json.status_code == 400 and "multipart" in as_json.json()["error"]
