"""The client on the 4.0 routes added last (§6.1-6.3, §8) against the fake: JSON prompts,
magic-prompt, describe, async submit and poll, the JWKS — errors included. No mocks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from ideogram_fake import FakeServer
from ideovault.api import IdeogramClient, errors, parse_params
from ideovault.api.uploads import Upload
from ideovault.api.wire import encode
from ideovault.errors import UserError
from tests.conftest import TEST_API_KEY
from tests.images import image_bytes
from tests.waiting import wait_for

JSON_PROMPT: dict[str, Any] = {
    "high_level_description": "A red bicycle leaning on a blue wall.",
    "style_description": {"medium": "photograph", "color_palette": ["#ff0000", "#0000FF"]},
    "compositional_deconstruction": {
        "background": "a blue stucco wall",
        "elements": [
            {"type": "obj", "desc": "red bicycle", "bbox": [300, 100, 900, 800]},
            {"type": "text", "text": "RIDE", "desc": "painted letters"},
        ],
    },
}
HOOK = "https://hooks.example.com/ideogram"


@pytest.fixture
def client(fake: FakeServer) -> Iterator[IdeogramClient]:
    with IdeogramClient(TEST_API_KEY, fake.base_url, max_retries=1, sleep=lambda _s: None) as c:
        yield c


def test_json_prompt_generate_goes_as_compact_json_text(client: IdeogramClient) -> None:
    params = parse_params(model="V_4", json_prompt=JSON_PROMPT, resolution="1024x1024")
    wire = dict((name, value[1]) for name, value in encode(params).parts or [])
    assert wire["json_prompt"] == params.json_prompt.wire()  # type: ignore[union-attr]
    assert " " not in wire["json_prompt"].replace("a blue", "").split('"', 1)[0]
    assert "text_prompt" not in wire and params.display_prompt.startswith("A red bicycle")
    (item,) = client.generate(params).images
    sent = json.loads(item.prompt)
    assert sent["style_description"]["color_palette"] == ["#FF0000", "#0000FF"]
    assert sent["compositional_deconstruction"] == JSON_PROMPT["compositional_deconstruction"]


def test_json_prompt_is_in_the_fingerprint_and_key_order_does_not_matter() -> None:
    a = parse_params(model="V_4", json_prompt=JSON_PROMPT)
    b = parse_params(model="V_4", json_prompt=dict(reversed(list(JSON_PROMPT.items()))))
    other = {**JSON_PROMPT, "high_level_description": "A green bicycle."}
    assert a.fingerprint() == b.fingerprint()
    assert a.fingerprint() != parse_params(model="V_4", json_prompt=other).fingerprint()
    assert a.canonical()["json_prompt"]["compositional_deconstruction"]["background"]


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ({"model": "V_4"}, "prompt or a JSON prompt"),
        ({"model": "V_4", "prompt": "x", "json_prompt": JSON_PROMPT}, "not both"),
        ({"model": "V_3", "json_prompt": JSON_PROMPT}, "only by generate with V_4"),
        ({"model": "V_4", "operation": "remix", "json_prompt": JSON_PROMPT}, "only by generate"),
        ({"model": "V_4", "json_prompt": "{not json"}, "not valid JSON"),
        ({"model": "V_4", "json_prompt": "[1, 2]"}, "must be a JSON object"),
        ({"model": "V_4", "json_prompt": {**JSON_PROMPT, "surprise": 1}}, "surprise"),
        ({"model": "V_4", "json_prompt": {"compositional_deconstruction": {"background": "b"}}},
         "high_level_description"),
        ({"model": "V_4", "json_prompt": {**JSON_PROMPT, "compositional_deconstruction": {}}},
         "background"),
        ({"model": "V_4", "json_prompt": {**JSON_PROMPT, "compositional_deconstruction": {
            "background": "b", "elements": [{"type": "obj", "desc": "d", "bbox": [0, 0, 2000, 5]}
        ]}}}, "bbox"),
        ({"model": "V_4", "json_prompt": {**JSON_PROMPT, "compositional_deconstruction": {
            "background": "b", "elements": [{"type": "obj", "desc": "d", "bbox": [0, 0, 1, True]}
        ]}}}, "bbox"),
        ({"model": "V_4", "json_prompt": {**JSON_PROMPT, "compositional_deconstruction": {
            "background": "b", "elements": [{"type": "text", "desc": "d"}]}}}, "literal copy"),
        ({"model": "V_4", "json_prompt": {**JSON_PROMPT, "compositional_deconstruction": {
            "background": "b", "elements": [{"type": "blob", "desc": "d"}]}}}, "type"),
        ({"model": "V_4", "json_prompt": {**JSON_PROMPT, "high_level_description": "a\x00b"}},
         "control characters"),
        ({"model": "V_4", "json_prompt": {**JSON_PROMPT, "style_description": {
            "color_palette": ["red"]}}}, "#RRGGBB"),
        ({"model": "V_4", "json_prompt": {**JSON_PROMPT, "high_level_description": "x" * 30_000}},
         "characters"),
        ({"operation": "describe", "model": "DESCRIBE", "include_tags": True}, "tags switch"),
    ],
)  # fmt: skip
def test_json_prompt_rules(values: dict[str, Any], words: str) -> None:
    if values.get("operation") == "describe":
        values = {**values, "image": Upload.from_bytes(image_bytes(8, 8))}
    with pytest.raises(UserError, match="invalid request") as caught:
        parse_params(**values)
    assert words in str(caught.value)


def test_html_in_a_json_prompt_is_just_text(client: IdeogramClient) -> None:
    hostile = {**JSON_PROMPT, "high_level_description": "<script>alert(1)</script> ' OR 1=1 --"}
    (item,) = client.generate(parse_params(model="V_4", json_prompt=hostile)).images
    assert json.loads(item.prompt)["high_level_description"] == hostile["high_level_description"]


def test_magic_prompt_round_trips_into_generate(client: IdeogramClient) -> None:
    answer = client.magic_prompt("a lighthouse at dusk", "16x9")
    assert answer.aspect_ratio == "16x9"
    assert answer.json_prompt["high_level_description"].startswith("a lighthouse at dusk")
    assert client.magic_prompt("a lighthouse at dusk").aspect_ratio != "AUTO"
    params = parse_params(model="V_4", json_prompt=answer.json_prompt)
    (item,) = client.generate(params).images
    assert json.loads(item.prompt)["high_level_description"] == params.display_prompt


def test_magic_prompt_errors(client: IdeogramClient, fake: FakeServer) -> None:
    with pytest.raises(errors.RequestRejected, match="aspect_ratio"):
        client.magic_prompt("x", "7x3")
    with pytest.raises(errors.RequestRejected, match="text_prompt"):
        client.magic_prompt("")
    bad = IdeogramClient("wrong-key", fake.base_url, max_retries=0)
    with bad, pytest.raises(errors.KeyRejected) as caught:
        bad.magic_prompt("x")
    assert "wrong-key" not in str(caught.value)
    fake.inject("unavailable", times=2)
    with pytest.raises(errors.ServerError):
        client.magic_prompt("x")


def test_describe_json_sends_the_switches(client: IdeogramClient, fake: FakeServer) -> None:
    image = Upload.from_bytes(image_bytes(48, 32))
    params = parse_params(operation="describe", model="DESCRIBE_V4", image=image,
                          include_style_descriptions=True, include_tags=True)  # fmt: skip
    assert params.endpoint == "/v1/ideogram-v4/describe"
    answer = client.describe_json(params)
    assert "48x32 PNG" in answer.json_prompt["high_level_description"]
    assert answer.json_prompt["tags"] and answer.json_prompt["style_description"]
    assert fake.stats()["calls_by_endpoint"] == {"/v1/ideogram-v4/describe": 1}
    with pytest.raises(ValueError, match="describe_json"):
        client.describe(params)


def test_async_submit_then_poll(client: IdeogramClient, fake: FakeServer) -> None:
    fake.inject("slow_async", seconds=600)  # pending until the test releases it
    params = parse_params(model="V_4", prompt="a fox", seed=11, resolution="1280x720")
    gid = client.submit_async(params, HOOK)
    first = client.poll(gid)
    assert first.status == "pending" and first.response is None and not first.done
    assert fake.finish_async_jobs() == 1
    result = client.poll(gid)
    assert result.status == "completed" and result.response is not None
    (item,) = result.response.images
    assert item.seed == 11 and item.resolution == "1280x720" and item.url
    assert result.raw["generation_id"] == gid
    assert fake.stats()["calls_by_endpoint"] == {"/v1/ideogram-v4/async/generate": 1}


def test_async_errors(client: IdeogramClient, fake: FakeServer) -> None:
    v3 = parse_params(prompt="x")
    with pytest.raises(ValueError, match="async"):
        client.submit_async(v3, HOOK)
    with pytest.raises(errors.RequestRejected, match="webhook_url"):
        client.submit_async(parse_params(model="V_4", prompt="x"), "https://127.0.0.1/hook")
    with pytest.raises(errors.GenerationNotFound, match="xtdZiqPwRxqY1Y7NExFmzB"):
        client.poll("xtdZiqPwRxqY1Y7NExFmzB")
    with pytest.raises(errors.RequestRejected):
        client.poll("bad!id")
    fake.inject("async_fail")
    gid = client.submit_async(parse_params(model="V_4", prompt="x"), HOOK)
    result = wait_for(lambda: (r := client.poll(gid)).done and r, what="the async job ending")
    assert result.status == "failed" and result.response is None


def test_jwks_needs_no_key(fake: FakeServer) -> None:
    with IdeogramClient(None, fake.base_url) as keyless:
        keys = keyless.jwks()["keys"]
    assert keys[0]["crv"] == "Ed25519"
