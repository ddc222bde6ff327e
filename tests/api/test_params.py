"""Request validation and the wire encodings: bad input never reaches the network."""

from __future__ import annotations

import pytest

from ideovault.api.params import parse_params
from ideovault.api.wire import encode, v1_fields
from ideovault.errors import UserError


@pytest.mark.parametrize("aspect", ["16x9", "16:9", "ASPECT_16_9", " 16X9 "])
def test_aspect_forms_normalise(aspect: str) -> None:
    assert parse_params(prompt="x", aspect_ratio=aspect).aspect_ratio == "16x9"


def test_legacy_wire_format() -> None:
    p = parse_params(
        prompt="fox", model="v_2", resolution="1024x640", seed=3, magic_prompt="off",
        negative_prompt="blur", num_images=2, color_palette={"name": "pastel"},
    )  # fmt: skip
    assert p.endpoint == "/generate"
    assert encode(p).json == {
        "image_request": {
            "prompt": "fox", "model": "V_2", "resolution": "RESOLUTION_1024_640",
            "magic_prompt_option": "OFF", "seed": 3, "negative_prompt": "blur", "num_images": 2,
            "color_palette": {"name": "PASTEL"},
        }
    }  # fmt: skip


def test_v3_wire_format_repeats_arrays_and_encodes_objects() -> None:
    p = parse_params(
        prompt="fox", rendering_speed="turbo", style_codes=["aaff5733", "00112233"],
        color_palette={"members": [{"color_hex": "#ff0000", "color_weight": 0.5}]},
    )  # fmt: skip
    fields = v1_fields(p)
    assert ("rendering_speed", "TURBO") in fields
    assert [v for k, v in fields if k == "style_codes"] == ["AAFF5733", "00112233"]
    assert ("color_palette", '{"members":[{"color_hex":"#FF0000","color_weight":0.5}]}') in fields


def test_fingerprint_ignores_spelling_but_not_meaning() -> None:
    a = parse_params(prompt="fox", aspect_ratio="16:9", seed=1)
    b = parse_params(prompt="fox", aspect_ratio="ASPECT_16_9", seed=1, model="v_3")
    c = parse_params(prompt="fox", aspect_ratio="16x9", seed=2)
    assert a.fingerprint() == b.fingerprint() != c.fingerprint()
    assert "api_key" not in str(a.canonical()).lower()


@pytest.mark.parametrize(
    "bad",
    [
        {"prompt": ""}, {"prompt": "   "}, {"prompt": "x" * 10_001}, {"prompt": "a\x00b"},
        {"prompt": "x", "num_images": 0}, {"prompt": "x", "num_images": 99},
        {"prompt": "x", "seed": -1}, {"prompt": "x", "seed": 2**31},
        {"prompt": "x", "model": "V_9"}, {"prompt": "x", "model": "V_1", "style_type": "DESIGN"},
        {"prompt": "x", "model": "V_2A", "resolution": "1024x1024"},
        {"prompt": "x", "model": "V_2A", "negative_prompt": "y"},
        {"prompt": "x", "model": "V_2", "rendering_speed": "TURBO"},
        {"prompt": "x", "style_type": "DESIGN", "style_codes": ["AAFF5733"]},
        {"prompt": "x", "aspect_ratio": "1x1", "resolution": "1024x1024"},
        {"prompt": "x", "resolution": "999x999"}, {"prompt": "x", "aspect_ratio": "wide"},
        {"prompt": "x", "color_palette": {"name": "NEON"}},
        {"prompt": "x", "color_palette": {"members": [{"color_hex": "red"}]}},
        {"prompt": "x", "unknown_field": 1}, {"prompt": 5}, {"prompt": "x", "seed": "abc"},
    ],
)  # fmt: skip
def test_bad_requests_are_user_errors(bad: dict[str, object]) -> None:
    with pytest.raises(UserError, match="invalid request"):
        parse_params(**bad)
