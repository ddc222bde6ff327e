"""The four newer /v1 routes: generate-transparent, remove-background, layerize-text and edit by
instruction (``instruct``) — what each takes, what it refuses, how it goes on the wire, and how
their answers (two of them in other shapes, §2.2) are read."""

from __future__ import annotations

import pytest

from ideovault.api import parse_params
from ideovault.api.errors import BadResponse
from ideovault.api.responses import GenerateResponse, LayerizeResponse
from ideovault.api.uploads import Upload
from ideovault.api.wire import encode
from ideovault.errors import UserError
from tests.images import image_bytes

SQUARE = Upload.from_bytes(image_bytes(64, 64))
WIDE = Upload.from_bytes(image_bytes(96, 64))


def text_fields(p: object) -> dict[str, str]:
    wire = encode(p)  # type: ignore[arg-type]
    return {n: v[1] for n, v in wire.parts or [] if v[0] is None}


def file_names(p: object) -> list[str]:
    wire = encode(p)  # type: ignore[arg-type]
    return [n for n, v in wire.parts or [] if v[0] is not None]


def test_transparent_takes_a_factor_and_a_ratio_but_no_resolution() -> None:
    p = parse_params(operation="generate-transparent", prompt="a logo", upscale_factor="x2",
                     aspect_ratio="16:9", rendering_speed="turbo", negative_prompt="text",
                     num_images=2, seed=9, magic_prompt="OFF")  # fmt: skip
    assert p.endpoint == "/v1/ideogram-v3/generate-transparent" == encode(p).path
    assert text_fields(p) == {
        "prompt": "a logo", "seed": "9", "aspect_ratio": "16x9", "rendering_speed": "TURBO",
        "magic_prompt": "OFF", "negative_prompt": "text", "upscale_factor": "X2",
        "num_images": "2",
    }  # fmt: skip
    assert p.expected_resolution == "2624x1472"
    default = parse_params(operation="generate-transparent", prompt="a logo")
    assert default.canonical()["upscale_factor"] == "X1"
    same = parse_params(operation="generate-transparent", prompt="a logo", upscale_factor="X1")
    assert default.fingerprint() == same.fingerprint()
    assert "upscale_factor" not in text_fields(default)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"rendering_speed": "FLASH"}, "generate-transparent does not take FLASH"),
        ({"resolution": "1024x1024"}, "does not take a resolution for generate-transparent"),
        ({"style_type": "DESIGN"}, "does not take a style type"),
        ({"upscale_factor": "X3"}, "upscale_factor"),
        ({"model": "V_2"}, "generate-transparent is not offered for V_2; use V_3"),
        ({"model": "V_4"}, "not offered for V_4"),
        ({"prompt": ""}, "generate-transparent needs a prompt"),
        ({"image": SQUARE}, "generate-transparent takes no input image"),
        ({"num_images": 9}, "num_images"),
    ],
)
def test_transparent_refusals(values: dict[str, object], message: str) -> None:
    with pytest.raises(UserError, match=message):
        parse_params(**{"operation": "generate-transparent", "prompt": "a logo", **values})


def test_the_factor_belongs_to_transparent_only() -> None:
    with pytest.raises(UserError, match="V_3 does not take an upscale factor"):
        parse_params(prompt="x", upscale_factor="X2")


def test_remove_background_sends_the_image_and_nothing_else() -> None:
    p = parse_params(operation="remove-background", image=WIDE)
    assert p.endpoint == "/v1/remove-background" and p.model == "REMOVE_BACKGROUND"
    assert text_fields(p) == {} and file_names(p) == ["image"]
    assert p.expected_resolution == "96x64"
    for extra, message in (
        ({"prompt": "x"}, "does not take a prompt"),
        ({"seed": 1}, "does not take a seed"),
        ({"num_images": 2}, "does not take more than one image"),
        ({}, "remove-background needs an input image"),
    ):
        values = {"image": WIDE, **extra} if extra else {}
        with pytest.raises(UserError, match=message):
            parse_params(operation="remove-background", **values)


def test_layerize_takes_an_optional_prompt_and_seed() -> None:
    p = parse_params(operation="layerize-text", image=SQUARE, prompt="SALE", seed=4)
    assert p.endpoint == "/v1/ideogram-v3/layerize-text" and p.model == "V_3"
    assert text_fields(p) == {"prompt": "SALE", "seed": "4"} and file_names(p) == ["image"]
    bare = parse_params(operation="layerize-text", image=SQUARE)
    assert text_fields(bare) == {}
    with pytest.raises(UserError, match="does not take a rendering speed"):
        parse_params(operation="layerize-text", image=SQUARE, rendering_speed="TURBO")
    with pytest.raises(UserError, match="not offered for V_2"):
        parse_params(operation="layerize-text", image=SQUARE, model="V_2")


def test_instruct_sends_images_as_repeated_file_parts() -> None:
    p = parse_params(operation="instruct", prompt="make it night", images=(SQUARE, WIDE),
                     num_images=2, seed=3, magic_prompt="on", resolution="1024x1024",
                     transparent_background=True)  # fmt: skip
    assert p.endpoint == "/v1/edit" and p.model == "EDIT_INSTRUCT"
    assert text_fields(p) == {
        "prompt": "make it night", "seed": "3", "resolution": "1024x1024",
        "magic_prompt": "ON", "transparent_background": "true", "num_images": "2",
    }  # fmt: skip
    assert file_names(p) == ["images", "images"]
    canonical = p.canonical()
    assert [i["sha256"] for i in canonical["images"]] == [SQUARE.sha256, WIDE.sha256]
    off = parse_params(operation="instruct", prompt="x", images=(SQUARE,),
                       transparent_background=False, aspect_ratio="4x3")  # fmt: skip
    assert text_fields(off)["transparent_background"] == "false"
    assert off.expected_resolution == "1152x864"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"images": ()}, "instruct needs input images"),
        ({"images": (SQUARE,) * 11}, "at most 10 input images, not 11"),
        ({"prompt": ""}, "instruct needs a prompt"),
        ({"image": SQUARE}, "instruct takes images, not image"),
        ({"aspect_ratio": "1x1", "resolution": "1024x1024"}, "not both"),
        ({"resolution": "1280x720"}, "resolution 1280x720 is not offered"),
        ({"rendering_speed": "TURBO"}, "does not take a rendering speed"),
        ({"negative_prompt": "x"}, "does not take a negative prompt"),
        ({"image_urls": ["https://ideogram.ai/x.png"]}, "image_urls: is not a known parameter"),
    ],
)
def test_instruct_refusals(values: dict[str, object], message: str) -> None:
    with pytest.raises(UserError, match=message):
        parse_params(**{"operation": "instruct", "prompt": "x", "images": (SQUARE,), **values})


def test_images_belong_to_instruct_only() -> None:
    with pytest.raises(UserError, match="does not take input images"):
        parse_params(prompt="x", images=(SQUARE,))


def test_remove_background_answer_is_read_with_the_input_size() -> None:
    body = {"created": "2026-01-01T00:00:00+00:00", "data": [{"url": "u", "is_image_safe": True}]}
    (item,) = GenerateResponse.parse(body, {"prompt": "", "seed": None, "resolution": "9x9"}).images
    assert (item.prompt, item.seed, item.resolution, item.url) == ("", None, "9x9", "u")
    with pytest.raises(BadResponse, match="documented shape"):
        GenerateResponse.parse(body)  # every other route must report its seed


def test_layerize_answer_tolerates_missing_blocks_and_rejects_no_image() -> None:
    body = {
        "base_image_url": "https://x/base.png", "original_image_url": None, "seed": 12,
        "text_blocks": [{"role": "title", "text": "SALE"}, "junk", {"text": "50% off"}],
    }  # fmt: skip
    answer = LayerizeResponse.parse(body)
    assert answer.seed == 12 and answer.text == "SALE\n50% off" and len(answer.text_blocks) == 2
    (item,) = answer.as_images("", "64x64").images
    assert item.url == "https://x/base.png" and item.seed == 12 and item.resolution == "64x64"
    assert LayerizeResponse.parse({"base_image_url": "u"}).text_blocks == []
    for bad in ({"seed": 1}, {"base_image_url": ""}, ["not", "an", "object"]):
        with pytest.raises(BadResponse):
            LayerizeResponse.parse(bad)
