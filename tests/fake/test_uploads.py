"""Uploads and the rules of the image-input routes: wrong input is a 400 naming the part (§1,
§4, §5, §12), with 413 as a setting for files over 10 MB."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from ideogram_fake import FakeServer
from tests.fake.conftest import KEY, H, image_bytes, own_server, post

SQUARE = image_bytes(64, 64)
MASK = image_bytes(64, 64, colour=0)
PNG_HEAD = b"\x89PNG\r\n\x1a\n"
TEN_MB = 10 * 1024 * 1024
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x00\x00\x00\x00\x00"
V3_OPS = "/v1/ideogram-v3/"

# route → (files, fields) of a valid call; each test spoils one thing
VALID: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "/remix": ({"image_file": SQUARE}, {"image_request": json.dumps({"prompt": "x"})}),
    "/upscale": ({"image_file": SQUARE}, {"image_request": "{}"}),
    "/edit": ({"image_file": SQUARE, "mask": MASK}, {"prompt": "x", "model": "V_2"}),
    "/reframe": ({"image_file": SQUARE}, {"resolution": "RESOLUTION_1024_1024", "model": "V_2"}),
    "/describe": ({"image_file": SQUARE}, {}),
    V3_OPS + "inpaint": ({"image": SQUARE, "mask": MASK}, {"prompt": "x"}),
    V3_OPS + "edit": ({"image": SQUARE, "mask": MASK}, {"prompt": "x"}),
    V3_OPS + "remix": ({"image": SQUARE}, {"prompt": "x"}),
    V3_OPS + "reframe": ({"image": SQUARE}, {"resolution": "1024x1024"}),
    V3_OPS + "replace-background": ({"image": SQUARE}, {"prompt": "x"}),
    "/v1/ideogram-v4/remix": ({"image": SQUARE}, {"text_prompt": "x"}),
}
IMAGE_PART = {
    route: "image_file" if "image_file" in files else "image" for route, (files, _) in VALID.items()
}


def call(fake: FakeServer, route: str, files: dict[str, Any] | None = None,
         headers: dict[str, str] | None = None, **fields: Any) -> httpx.Response:  # fmt: skip
    base_files, base_fields = VALID[route]
    return post(fake, route, {**base_files, **(files or {})}, headers, **{**base_fields, **fields})


def error(res: httpx.Response, status: int = 400) -> str:
    assert res.status_code == status, res.text
    message = res.json()["error"]
    assert isinstance(message, str) and message
    return message


@pytest.mark.parametrize("route", list(VALID))
def test_every_route_answers_a_valid_call(fake: FakeServer, route: str) -> None:
    assert call(fake, route).status_code == 200
    assert fake.stats()["calls_by_endpoint"] == {route: 1}


@pytest.mark.parametrize("route", list(VALID))
@pytest.mark.parametrize(
    ("blob", "what"),
    [(GIF, "GIF"), (b"hello, I am text", "text"), (b"", "empty"), (PNG_HEAD + b"junk", "decoded")],
)
def test_wrong_formats_are_400_naming_the_part(
    fake: FakeServer, route: str, blob: bytes, what: str
) -> None:
    message = error(call(fake, route, {IMAGE_PART[route]: blob}))
    assert IMAGE_PART[route] in message and what in message
    assert fake.stats()["images_issued"] == 0


@pytest.mark.parametrize("route", ["/remix", V3_OPS + "inpaint", "/v1/ideogram-v4/remix"])
def test_files_over_ten_mb(fake: FakeServer, route: str) -> None:
    huge = PNG_HEAD + bytes(TEN_MB)
    assert "10 MB" in error(call(fake, route, {IMAGE_PART[route]: huge}))
    with own_server(too_large_status=413) as strict:
        assert "10 MB" in error(call(strict, route, {IMAGE_PART[route]: huge}), 413)


def test_reference_totals_and_counts(fake: FakeServer) -> None:
    six_mb = PNG_HEAD + bytes(6 * 1024 * 1024)
    route = V3_OPS + "remix"
    too_much = error(call(fake, route, {"style_reference_images": [six_mb, six_mb]}))
    assert "style_reference_images" in too_much and "in total" in too_much
    chars = error(call(fake, route, {"character_reference_images": [six_mb, six_mb]}))
    assert "at most one" in chars  # so one file's limit is also the 10 MB total
    two = error(call(fake, route, {"character_reference_images": [SQUARE, SQUARE]}))
    assert "at most one" in two
    lone_mask = error(call(fake, route, {"character_reference_images_mask": SQUARE}))
    assert "one mask per character" in lone_mask
    wrong = {"character_reference_images": SQUARE, "character_reference_images_mask": MASK[:0]}
    error(call(fake, route, wrong))
    odd_mask = {"character_reference_images": SQUARE,
                "character_reference_images_mask": image_bytes(32, 32)}  # fmt: skip
    assert "same size" in error(call(fake, route, odd_mask))
    assert "style_reference_images" in error(call(fake, route, {"style_reference_images": GIF}))
    generate = post(fake, "/v1/ideogram-v3/generate", {"style_reference_images": GIF}, prompt="x")
    assert "style_reference_images" in error(generate)


@pytest.mark.parametrize(
    ("route", "part"), [("/edit", "image_file"), (V3_OPS + "inpaint", "image"),
                        (V3_OPS + "edit", "image")],
)  # fmt: skip
def test_mask_must_match_the_image(fake: FakeServer, route: str, part: str) -> None:
    message = error(call(fake, route, {"mask": image_bytes(64, 32)}))
    assert "mask" in message and "64x64" in message and "64x32" in message
    assert "mask" in error(post(fake, route, {part: SQUARE}, **VALID[route][1]))


@pytest.mark.parametrize(("route", "part"), [("/reframe", "image_file"), (V3_OPS + "reframe", "image")])  # fmt: skip  # noqa: E501
def test_reframe_needs_a_square_input(fake: FakeServer, route: str, part: str) -> None:
    assert "square" in error(call(fake, route, {part: image_bytes(64, 48)}))


@pytest.mark.parametrize(
    ("route", "fields"),
    [
        ("/remix", {"image_request": json.dumps({"prompt": "x", "image_weight": 0})}),
        ("/remix", {"image_request": json.dumps({"prompt": "x", "image_weight": "50"})}),
        ("/remix", {"image_request": json.dumps({"prompt": "x", "model": "V_3"})}),
        ("/remix", {"image_request": json.dumps({"prompt": "x", "aspect_ratio": "16x9"})}),
        ("/remix", {"image_request": "not json"}), ("/remix", {"image_request": "[1]"}),
        ("/remix", {"image_request": json.dumps({"image_weight": 50})}),
        ("/upscale", {"image_request": json.dumps({"resemblance": 101})}),
        ("/upscale", {"image_request": json.dumps({"detail": 0})}),
        ("/upscale", {"image_request": json.dumps({"num_images": 9})}),
        ("/upscale", {"image_request": json.dumps({"magic_prompt_option": "YES"})}),
        ("/upscale", {"image_request": json.dumps({"style_type": "AUTO"})}),
        ("/edit", {"model": "V_2A"}), ("/edit", {"model": "V_3"}), ("/edit", {"prompt": ""}),
        ("/edit", {"style_type": "PIXEL"}), ("/edit", {"magic_prompt_option": "MAYBE"}),
        ("/edit", {"num_images": 0}), ("/edit", {"seed": "abc"}),
        ("/reframe", {"resolution": "1024x1024"}), ("/reframe", {"model": "V_1"}),
        ("/reframe", {"resolution": "RESOLUTION_1000_1000"}), ("/reframe", {"prompt": "x"}),
        ("/describe", {"describe_model_version": "V_9"}),
        (V3_OPS + "inpaint", {"rendering_speed": "WARP"}),
        (V3_OPS + "inpaint", {"style_type": "ANIME"}),
        (V3_OPS + "inpaint", {"style_preset": "NOPE"}),
        (V3_OPS + "inpaint", {"style_type": "AUTO", "style_codes": "AAFF5733"}),
        (V3_OPS + "inpaint", {"color_palette": "{}"}),
        (V3_OPS + "inpaint", {"negative_prompt": "y"}),
        (V3_OPS + "inpaint", {"aspect_ratio": "1x1"}),
        (V3_OPS + "remix", {"image_weight": 101}), (V3_OPS + "remix", {"aspect_ratio": "7x5"}),
        (V3_OPS + "remix", {"aspect_ratio": "1x1", "resolution": "1024x1024"}),
        (V3_OPS + "remix", {"num_images": 9}), (V3_OPS + "remix", {"magic_prompt": "YES"}),
        (V3_OPS + "reframe", {"resolution": "2048x2048"}),
        (V3_OPS + "reframe", {"magic_prompt": "ON"}),
        (V3_OPS + "reframe", {"negative_prompt": "y"}),
        (V3_OPS + "reframe", {"style_type": "GENERAL"}),
        (V3_OPS + "replace-background", {"style_type": "GENERAL"}),
        (V3_OPS + "replace-background", {"resolution": "1024x1024"}),
        (V3_OPS + "replace-background", {"prompt": " "}),
    ],
)  # fmt: skip
def test_bad_values(fake: FakeServer, route: str, fields: dict[str, Any]) -> None:
    error(call(fake, route, **fields))
    assert fake.stats()["images_issued"] == 0


@pytest.mark.parametrize("route", [V3_OPS + "reframe", V3_OPS + "replace-background"])
def test_character_references_refused_even_when_lenient(route: str) -> None:
    with own_server(strict_fields=False) as lenient:
        refused = call(lenient, route, {"character_reference_images": SQUARE})
        assert "character_reference_images" in error(refused)
        assert call(lenient, route, made_up="ignored").status_code == 200


def test_required_parts_and_shapes(fake: FakeServer) -> None:
    assert "image_file" in error(post(fake, "/describe", describe_model_version="V_3"))
    assert "image" in error(post(fake, V3_OPS + "remix", prompt="x"))
    assert "reframe" in error(post(fake, "/reframe", {"image_file": SQUARE}, model="V_2"))
    text_image = post(fake, V3_OPS + "remix", prompt="x", image="abc")
    assert "file" in error(text_image)
    two_images = post(fake, V3_OPS + "remix", {"image": [SQUARE, SQUARE]}, prompt="x")
    assert "2 times" in error(two_images)


@pytest.mark.parametrize("route", list(VALID))
def test_multipart_only(fake: FakeServer, route: str) -> None:
    as_json = httpx.post(f"{fake.base_url}{route}", headers=H, json={"prompt": "x"})
    assert "multipart/form-data" in error(as_json)
    form = httpx.post(f"{fake.base_url}{route}", headers=H, data={"prompt": "x"})
    assert "multipart/form-data" in error(form)


@pytest.mark.parametrize("route", [*VALID, "/v1/ideogram-v4/generate"])
@pytest.mark.parametrize("headers", [{}, {"Api-Key": "wrong"}, {"Authorization": f"Bearer {KEY}"}])
def test_bad_key_is_403_on_legacy_remix_and_upscale_else_401(
    fake: FakeServer, route: str, headers: dict[str, str]
) -> None:
    files, fields = VALID.get(route, ({}, {"text_prompt": "x"}))
    res = post(fake, route, files, headers, **fields)
    assert res.status_code == (403 if route in ("/remix", "/upscale") else 401)
    assert KEY not in res.text
    assert fake.stats()["generate_calls"] == 0
