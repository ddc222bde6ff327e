"""Wrong input is a 400 with a readable reason, before any image is made (§7, §12)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from ideogram_fake import FakeServer
from tests.fake.conftest import V3, H, image_bytes, legacy, own_server, v3, v3_json


def assert_400(res: httpx.Response) -> str:
    assert res.status_code == 400, res.text
    message = res.json()["error"]
    assert isinstance(message, str) and message
    return message


@pytest.mark.parametrize(
    "fields",
    [
        {"num_images": 9}, {"num_images": 0}, {"num_images": "two"}, {"aspect_ratio": "7x5"},
        {"aspect_ratio": "ASPECT_16_9"}, {"resolution": "1000x1000"},
        {"aspect_ratio": "1x1", "resolution": "1024x1024"}, {"style_type": "ANIME"},
        {"style_type": "DESIGN", "style_codes": "AAFF5733"}, {"style_codes": "XYZ"},
        {"rendering_speed": "WARP"}, {"rendering_speed": "BALANCED"}, {"seed": -1},
        {"seed": 2_147_483_648}, {"seed": "abc"}, {"magic_prompt": "MAYBE"}, {"prompt": ""},
        {"prompt": "   "}, {"style_preset": "NOPE"}, {"color_palette": "not json"},
        {"color_palette": '{"name": "EMBER", "members": []}'},
        {"color_palette": '{"members": [{"color_hex": "red"}]}'},
        {"color_palette": '{"members": [{"color_hex": "#FFF", "color_weight": 2}]}'},
        {"custom_model_uri": "my-model"}, {"enable_copyright_detection": "maybe"},
        {"magic_prompt_option": "ON"}, {"model": "V_3"}, {"seed": [1, 2]},
    ],
)  # fmt: skip
def test_v3_multipart_rules(fake: FakeServer, fields: dict[str, Any]) -> None:
    assert_400(v3(fake, **{"prompt": "x", **fields}))
    assert fake.stats()["images_issued"] == 0


def test_v3_messages_name_the_problem(fake: FakeServer) -> None:
    assert "num_images" in assert_400(v3(fake, prompt="x", num_images=9))
    assert "aspect_ratio" in assert_400(v3(fake, prompt="x", aspect_ratio="7x5"))
    assert "together" in assert_400(v3(fake, prompt="x", style_type="DESIGN", style_codes="A" * 8))
    assert "prompt" in assert_400(v3(fake, num_images=1))
    unknown = v3(fake, prompt="x", magic_prompt_option="ON")
    assert "magic_prompt_option" in assert_400(unknown)
    assert "magic_prompt" in unknown.json()["allowed"]


@pytest.mark.parametrize(
    "body",
    [
        {"prompt": "x", "num_images": 0}, {"prompt": "x", "num_images": "2"},
        {"prompt": "x", "seed": "5"}, {"prompt": "x", "seed": True}, {"prompt": "x", "seed": 1.5},
        {"prompt": 5}, {"seed": 1}, {"prompt": "x", "color_palette": {"name": "NOPE"}},
        {"prompt": "x", "style_codes": ["AAFF5733"], "style_type": "GENERAL"},
        {"prompt": ["a", "b"]}, [1, 2],
    ],
)  # fmt: skip
def test_v3_json_values_are_typed(fake: FakeServer, body: Any) -> None:
    assert_400(v3_json(fake, body))


def test_v3_json_nulls_count_as_absent(fake: FakeServer) -> None:
    res = v3_json(fake, {"prompt": "x", "seed": None, "aspect_ratio": None, "num_images": 2})
    assert res.status_code == 200 and len(res.json()["data"]) == 2


@pytest.mark.parametrize(
    "request_",
    [
        {"prompt": "x", "model": "V_3"}, {"prompt": "x", "model": "v_2"},
        {"prompt": "x", "model": "V_2A", "resolution": "RESOLUTION_1024_1024"},
        {"prompt": "x", "resolution": "RESOLUTION_1000_1000"},
        {"prompt": "x", "resolution": "1024x1024"},
        {"prompt": "x", "aspect_ratio": "ASPECT_16_9", "resolution": "RESOLUTION_1024_1024"},
        {"prompt": "x", "aspect_ratio": "16x9"}, {"prompt": "x", "aspect_ratio": "ASPECT_4_5"},
        {"prompt": "x", "model": "V_1", "style_type": "DESIGN"},
        {"prompt": "x", "model": "V_1_TURBO", "style_type": "AUTO"},
        {"prompt": "x", "style_type": "PIXEL"}, {"prompt": "x", "num_images": 99},
        {"prompt": "x", "num_images": 0}, {"prompt": "x", "num_images": "2"},
        {"prompt": "x", "model": "V_2A", "negative_prompt": "y"},
        {"prompt": "x", "model": "V_2A_TURBO", "negative_prompt": "y"},
        {"prompt": "x", "model": "V_1", "color_palette": {"name": "EMBER"}},
        {"prompt": "x", "color_palette": {"name": "BEIGE"}},
        {"prompt": "x", "magic_prompt_option": "YES"}, {"prompt": "x", "magic_prompt": "ON"},
        {"prompt": "x", "seed": -5}, {"prompt": "x", "rendering_speed": "TURBO"},
        {"model": "V_2"}, {"prompt": ""}, {"prompt": None},
    ],
)  # fmt: skip
def test_legacy_rules(fake: FakeServer, request_: dict[str, Any]) -> None:
    assert_400(legacy(fake, **request_))


def test_legacy_body_shape_and_content_type(fake: FakeServer) -> None:
    url = f"{fake.base_url}/generate"
    assert "application/json" in assert_400(httpx.post(url, headers=H, data={"prompt": "x"}))
    assert_400(httpx.post(url, headers=H, json={"prompt": "x"}))  # no image_request wrapper
    assert_400(httpx.post(url, headers=H, json={"image_request": "x"}))
    bad_json = {**H, "Content-Type": "application/json"}
    assert_400(httpx.post(url, headers=bad_json, content=b"{not json"))
    assert_400(httpx.post(url, headers=bad_json, content=b"\xff\xfe"))


def test_v3_content_type(fake: FakeServer) -> None:
    url = f"{fake.base_url}{V3}"
    message = assert_400(httpx.post(url, headers=H, content=b"prompt=x"))
    assert "multipart/form-data" in message
    assert_400(httpx.post(url, headers={**H, "Content-Type": "text/plain"}, content=b"x"))
    assert_400(httpx.post(url, headers=H, data={"prompt": "x"}))  # urlencoded form


def test_v3_file_fields(fake: FakeServer) -> None:
    png = ("ref.png", image_bytes(), "image/png")
    url = f"{fake.base_url}{V3}"
    ok = httpx.post(
        url, headers=H, files=[("prompt", (None, "x")), ("style_reference_images", png)]
    )
    assert ok.status_code == 200, ok.text
    two_chars = [("prompt", (None, "x"))] + [("character_reference_images", png)] * 2
    assert "character" in assert_400(httpx.post(url, headers=H, files=two_chars))
    prompt_as_file = httpx.post(url, headers=H, files=[("prompt", png)])
    assert_400(prompt_as_file)
    refs_as_text = v3(fake, prompt="x", style_reference_images="abc")
    assert_400(refs_as_text)


def test_invalid_calls_are_counted_but_issue_nothing(fake: FakeServer) -> None:
    v3(fake, prompt="counted", num_images=9)
    legacy(fake, prompt="counted too", model="NOPE")
    stats = fake.stats()
    assert stats["generate_calls"] == 2 and stats["images_issued"] == 0
    assert stats["calls_by_prompt"] == {"counted": 1, "counted too": 1}


def test_lenient_mode_ignores_unknown_fields() -> None:
    with own_server(strict_fields=False) as lenient:
        assert v3(lenient, prompt="x", magic_prompt_option="ON").status_code == 200
        assert legacy(lenient, prompt="x", rendering_speed="TURBO").status_code == 200
