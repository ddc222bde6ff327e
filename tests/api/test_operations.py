"""Requests to every image route: what each takes, what it refuses, how it goes on the wire."""

from __future__ import annotations

import json

import pytest

from ideovault.api import parse_params
from ideovault.api.uploads import Upload
from ideovault.api.wire import encode
from ideovault.errors import UserError
from tests.images import image_bytes

SQUARE = Upload.from_bytes(image_bytes(64, 64))
WIDE = Upload.from_bytes(image_bytes(96, 64))
MASK = Upload.from_bytes(image_bytes(64, 64, color="black"), "the mask")


def names(parts: list[tuple[str, tuple[object, ...]]]) -> list[str]:
    return [n for n, _ in parts]


@pytest.mark.parametrize(
    ("operation", "model", "extra", "endpoint"),
    [
        ("remix", "V_3", {"prompt": "x"}, "/v1/ideogram-v3/remix"),
        ("remix", "V_2", {"prompt": "x"}, "/remix"),
        ("remix", "V_4", {"prompt": "x"}, "/v1/ideogram-v4/remix"),
        ("edit", "V_3", {"prompt": "x", "mask": MASK}, "/v1/ideogram-v3/inpaint"),
        ("edit", "V_2_TURBO", {"prompt": "x", "mask": MASK}, "/edit"),
        ("reframe", "V_3", {"resolution": "1312x736"}, "/v1/ideogram-v3/reframe"),
        ("reframe", "V_2", {"resolution": "1280x720"}, "/reframe"),
        ("replace-background", "V_3", {"prompt": "x"}, "/v1/ideogram-v3/replace-background"),
        ("upscale", None, {}, "/upscale"),
        ("describe", None, {}, "/describe"),
    ],
)
def test_each_operation_goes_to_its_route(
    operation: str, model: str | None, extra: dict[str, object], endpoint: str
) -> None:
    p = parse_params(operation=operation, model=model, image=SQUARE, **extra)
    assert p.endpoint == endpoint == encode(p).path


def test_generate_on_v4_sends_text_prompt_and_no_count() -> None:
    p = parse_params(prompt="fox", model="V_4", seed=3, rendering_speed="turbo")
    assert p.endpoint == "/v1/ideogram-v4/generate"
    fields = dict(encode(p).parts or [])
    assert fields["text_prompt"] == (None, "fox") and "num_images" not in fields
    with pytest.raises(UserError, match="V_4 does not take more than one image"):
        parse_params(prompt="fox", model="V_4", num_images=2)
    with pytest.raises(UserError, match="FLASH' is not offered for V_4"):
        parse_params(prompt="fox", model="V_4", rendering_speed="FLASH")
    with pytest.raises(UserError, match="V_4 does not take a negative prompt"):
        parse_params(prompt="fox", model="V_4", negative_prompt="x")


def test_legacy_remix_sends_image_request_as_json_text() -> None:
    p = parse_params(operation="remix", model="V_2", image=SQUARE, prompt="fox", image_weight=70,
                     aspect_ratio="16x9", seed=1)  # fmt: skip
    wire = encode(p)
    parts = dict(wire.parts or [])
    inner = json.loads(parts["image_request"][1])
    assert inner["image_weight"] == 70 and inner["aspect_ratio"] == "ASPECT_16_9"
    assert parts["image_file"][2] == "image/png" and parts["image_file"][1] == SQUARE.data


def test_legacy_edit_is_flat_with_image_file_and_mask() -> None:
    p = parse_params(operation="edit", model="V_2", image=SQUARE, mask=MASK, prompt="hat",
                     magic_prompt="off")  # fmt: skip
    assert names(encode(p).parts or []) == [
        "prompt", "model", "num_images", "magic_prompt_option", "image_file", "mask",
    ]  # fmt: skip


def test_v3_references_are_repeated_file_parts() -> None:
    refs = (Upload.from_bytes(image_bytes(10, 10)), Upload.from_bytes(image_bytes(12, 12)))
    p = parse_params(prompt="fox", style_reference_images=refs, style_preset="bauhaus",
                     character_reference_images=(SQUARE,))  # fmt: skip
    got = names(encode(p).parts or [])
    assert got.count("style_reference_images") == 2 and "character_reference_images" in got
    assert ("style_preset", (None, "BAUHAUS")) in (encode(p).parts or [])


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"operation": "remix", "prompt": "x"}, "remix needs an input image"),
        ({"operation": "edit", "image": SQUARE, "prompt": "x"}, "edit needs a mask"),
        ({"operation": "edit", "image": WIDE, "mask": MASK, "prompt": "x"},
         "the mask is 64x64 but the image is 96x64"),
        ({"operation": "edit", "image": SQUARE, "mask": MASK, "prompt": "x", "model": "V_1"},
         "edit takes V_3 or V_2 or V_2_TURBO"),
        ({"operation": "reframe", "image": WIDE, "resolution": "1312x736"},
         "reframe takes a square image"),
        ({"operation": "reframe", "image": SQUARE}, "reframe needs a resolution"),
        ({"operation": "reframe", "image": SQUARE, "resolution": "1312x736",
          "negative_prompt": "x"}, "V_3 does not take a negative prompt for reframe"),
        ({"operation": "replace-background", "image": SQUARE, "prompt": "x", "model": "V_2"},
         "replace-background is not offered for V_2; use V_3"),
        ({"operation": "remix", "image": SQUARE, "prompt": "x", "image_weight": 101},
         "less than or equal to 100"),
        ({"operation": "upscale", "image": SQUARE, "resemblance": 0}, "greater than or equal"),
        ({"operation": "describe", "image": SQUARE, "describe_model_version": "V_9"},
         "describe model version"),
        ({"operation": "paint", "prompt": "x"}, "unknown operation"),
        ({"prompt": "x", "character_reference_images": (SQUARE, SQUARE)},
         "at most 1 character reference"),
        ({"prompt": "x", "style_codes": ["AAAAAAAA"],
          "style_reference_images": (SQUARE,)}, "style codes cannot be combined"),
        ({"prompt": "x", "style_preset": "NOPE"}, "unknown style preset"),
        ({"prompt": "x", "model": "V_2", "style_preset": "BAUHAUS"},
         "V_2 does not take a style preset"),
    ],
)  # fmt: skip
def test_bad_combinations_are_refused_before_any_call(
    values: dict[str, object], message: str
) -> None:
    with pytest.raises(UserError, match=message):
        parse_params(**values)


def test_upscale_and_describe_record_their_route_not_a_model() -> None:
    assert parse_params(operation="upscale", image=SQUARE, model="V_3").model == "UPSCALE"
    assert parse_params(operation="describe", image=SQUARE).model == "DESCRIBE"


def test_fingerprint_hashes_input_bytes_not_their_vault_ids() -> None:
    a = parse_params(operation="remix", image=SQUARE, prompt="x", seed=1)
    b = parse_params(operation="remix", image=SQUARE.with_id("0190-x"), prompt="x", seed=1)
    c = parse_params(operation="remix", image=WIDE, prompt="x", seed=1)
    assert a.fingerprint() == b.fingerprint() != c.fingerprint()
    assert b.canonical()["image"]["image_id"] == "0190-x"
    assert "data" not in json.dumps(b.canonical())


def test_generate_fingerprints_are_unchanged_by_the_operation_field() -> None:
    p = parse_params(prompt="fox", seed=1)
    assert "operation" not in p.canonical()
    assert p.canonical()["endpoint"] == "/v1/ideogram-v3/generate"
