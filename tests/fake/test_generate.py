"""Both generate routes answer like Ideogram (§2.1, §4, §5), with downloadable PNGs."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx
import pytest

from ideogram_fake import FakeServer
from tests.fake.conftest import KEY, URL_RE, legacy, own_server, png_size, v3, v3_json

CREATED_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$")


def test_v3_multipart_answers_several_downloadable_pngs(fake: FakeServer) -> None:
    res = v3(fake, prompt="a fox", num_images=3, aspect_ratio="16x9", seed=5)
    assert res.status_code == 200, res.text
    body = res.json()
    assert CREATED_RE.match(body["created"]), body["created"]
    age = datetime.now(UTC) - datetime.fromisoformat(body["created"])
    assert abs(age.total_seconds()) < 60
    assert len(body["data"]) == 3
    ids = set()
    for item in body["data"]:
        assert set(item) == {"url", "prompt", "resolution", "is_image_safe", "seed", "style_type"}
        assert item["resolution"] == "1312x736" and item["seed"] == 5
        assert item["style_type"] == "GENERAL" and item["is_image_safe"] is True
        match = URL_RE.match(item["url"])
        assert match, item["url"]
        ids.add(match["id"])
        png = httpx.get(item["url"])
        assert png.status_code == 200
        assert png.headers["content-type"] == "image/png"
        assert int(png.headers["content-length"]) == len(png.content) > 50_000
        assert png_size(png.content) == (1312, 736)
    assert len(ids) == 3
    stats = fake.stats()
    assert stats["images_issued"] == 3 and stats["downloads"] == 3
    assert stats["calls_by_endpoint"] == {"/v1/ideogram-v3/generate": 1}


def test_v3_json_body_with_arrays_and_objects(fake: FakeServer) -> None:
    res = v3_json(
        fake,
        {
            "prompt": "poster",
            "seed": 1,
            "num_images": 2,
            "resolution": "1024x832",
            "style_codes": ["AAFF5733", "00112233"],
            "color_palette": {"members": [{"color_hex": "#FF0000", "color_weight": 0.5}]},
            "rendering_speed": "TURBO",
        },
    )
    assert res.status_code == 200, res.text
    data = res.json()["data"]
    assert [d["seed"] for d in data] == [1, 1]
    assert {d["resolution"] for d in data} == {"1024x832"}
    assert png_size(httpx.get(data[1]["url"]).content) == (1024, 832)


def test_v3_multipart_repeated_arrays_and_palette_as_json_text(fake: FakeServer) -> None:
    res = v3(
        fake,
        prompt="poster",
        style_codes=["AAFF5733", "00112233"],
        color_palette='{"name":"PASTEL"}',
        style_preset="BAUHAUS",
        enable_copyright_detection="true",
    )
    assert res.status_code == 200, res.text
    assert res.json()["data"][0]["resolution"] == "1024x1024"


@pytest.mark.parametrize("style", ["AUTO", "REALISTIC", "DESIGN", "FICTION"])
def test_v3_echoes_the_style_type(fake: FakeServer, style: str) -> None:
    assert v3(fake, prompt="x", style_type=style).json()["data"][0]["style_type"] == style


def test_legacy_route_with_several_images(fake: FakeServer) -> None:
    res = legacy(
        fake, prompt="fox", model="V_2", resolution="RESOLUTION_1024_640", seed=3, num_images=4,
        style_type="DESIGN", negative_prompt="blur", color_palette={"name": "EMBER"},
    )  # fmt: skip
    assert res.status_code == 200, res.text
    data = res.json()["data"]
    assert len(data) == 4
    assert {(d["resolution"], d["seed"], d["style_type"]) for d in data} == {
        ("1024x640", 3, "DESIGN")
    }
    assert png_size(httpx.get(data[3]["url"]).content) == (1024, 640)
    assert fake.stats()["calls_by_endpoint"] == {"/generate": 1}


@pytest.mark.parametrize(
    ("extra", "size"),
    [
        ({"model": "V_2A", "aspect_ratio": "ASPECT_16_9"}, "1312x736"),
        ({"model": "V_1", "aspect_ratio": "ASPECT_3_1"}, "1536x512"),
        ({"model": "V_2A_TURBO"}, "1024x1024"),
        ({"model": "AUTO", "aspect_ratio": "ASPECT_10_16"}, "800x1280"),
        ({}, "1024x1024"),
    ],
)
def test_legacy_sizes_follow_the_aspect_ratio(
    fake: FakeServer, extra: dict[str, str], size: str
) -> None:
    res = legacy(fake, prompt="fox", **extra)
    assert res.status_code == 200, res.text
    assert res.json()["data"][0]["resolution"] == size


def test_random_seed_per_image_when_none_given(fake: FakeServer) -> None:
    data = v3(fake, prompt="x", num_images=8).json()["data"]
    seeds = [d["seed"] for d in data]
    assert len(set(seeds)) > 1
    assert all(isinstance(s, int) and 0 <= s <= 2_147_483_647 for s in seeds)


def test_magic_prompt_on_off_auto(fake: FakeServer) -> None:
    def shown(prompt: str, **f: str) -> str:
        return str(v3(fake, prompt=prompt, **f).json()["data"][0]["prompt"])

    long_prompt = "one two three four five six seven eight nine ten eleven twelve"
    assert shown("a cat", magic_prompt="OFF") == "a cat"
    on = shown("a cat", magic_prompt="ON")
    assert on.startswith("a cat, ") and len(on) > len("a cat, ") + 10
    assert shown("a cat", magic_prompt="ON") == on  # deterministic
    assert shown("a cat", magic_prompt="AUTO") == on  # AUTO expands short prompts
    assert shown("a cat") == on  # omitted behaves like AUTO
    assert shown(long_prompt, magic_prompt="AUTO") == long_prompt
    assert shown(long_prompt, magic_prompt="ON").startswith(long_prompt + ", ")
    legacy_off = legacy(fake, prompt="a cat", magic_prompt_option="OFF").json()["data"][0]
    assert legacy_off["prompt"] == "a cat"
    assert legacy(fake, prompt="a cat", magic_prompt_option="ON").json()["data"][0]["prompt"] == on


def test_unsafe_prompt_is_refused_with_422(fake: FakeServer) -> None:
    for res in (v3(fake, prompt="an UNSAFE_PROMPT here"), legacy(fake, prompt="UNSAFE_PROMPT")):
        assert res.status_code == 422
        assert res.json() == {
            "error": "Prompt provided failed safety check due to the inclusion of prohibited "
            "content."
        }
    assert fake.stats()["images_issued"] == 0


def test_unsafe_image_withholds_only_the_last_item(fake: FakeServer) -> None:
    data = v3(fake, prompt="UNSAFE_IMAGE here", num_images=3, seed=9).json()["data"]
    assert [d["is_image_safe"] for d in data] == [True, True, False]
    assert data[2]["url"] is None and data[2]["seed"] == 9 and data[2]["resolution"]
    for item in data[:2]:
        assert png_size(httpx.get(item["url"]).content) == (1024, 1024)
    single = v3(fake, prompt="UNSAFE_IMAGE", num_images=1).json()["data"]
    assert single[0]["url"] is None and single[0]["is_image_safe"] is False


@pytest.mark.parametrize(
    "headers",
    [{}, {"Api-Key": ""}, {"Api-Key": "wrong-key-XYZ"}, {"Authorization": f"Bearer {KEY}"},
     {"Api-Key": KEY + "x"}, {"Api-Key": KEY.upper()}],
)  # fmt: skip
def test_missing_or_wrong_key_is_401_on_both_routes(
    fake: FakeServer, headers: dict[str, str]
) -> None:
    for res in (v3(fake, headers=headers, prompt="x"), legacy(fake, headers=headers, prompt="x")):
        assert res.status_code == 401
        assert res.json()["error"]
        assert "wrong-key-XYZ" not in res.text and KEY not in res.text
    assert fake.stats()["generate_calls"] == 0


def test_a_non_ascii_key_is_a_401_not_a_crash(fake: FakeServer) -> None:
    res = httpx.post(
        f"{fake.base_url}/v1/ideogram-v3/generate",
        headers=[(b"Api-Key", "clé-é".encode("latin-1"))],
        files={"prompt": (None, "x")},
    )
    assert res.status_code == 401


def test_without_a_configured_key_any_non_empty_key_works() -> None:
    with own_server(api_key=None) as open_fake:
        assert v3(open_fake, headers={"Api-Key": "anything"}, prompt="x").status_code == 200
        assert v3(open_fake, headers={}, prompt="x").status_code == 401
