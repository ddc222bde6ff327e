"""The fake's other 4.0 routes (§6.3, §8): magic-prompt, describe, async generate + polling,
signed webhook deliveries and the JWKS — raw HTTP over loopback, as a client would see them."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from ideogram_fake import FakeServer
from tests.fake.conftest import H, image_bytes, own_server, post
from tests.receiver import receiver
from tests.waiting import wait_for

MAGIC = "/v1/ideogram-v4/magic-prompt"
DESCRIBE = "/v1/ideogram-v4/describe"
ASYNC = "/v1/ideogram-v4/async/generate"
HOOK = "https://hooks.example.com/ideogram"  # accepted, never contacted (not loopback)


def magic(fake: FakeServer, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.post(f"{fake.base_url}{MAGIC}", headers=H if headers is None else headers,
                      json=body)  # fmt: skip


def submit(fake: FakeServer, hook: str | None = HOOK, **fields: Any) -> httpx.Response:
    query = {} if hook is None else {"webhook_url": hook}
    parts = [(k, (None, str(v))) for k, v in {"text_prompt": "a fox", **fields}.items()]
    return httpx.post(f"{fake.base_url}{ASYNC}", headers=H, params=query, files=parts)


def poll(fake: FakeServer, gid: str, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.get(f"{fake.base_url}/v1/generations/{gid}", headers=H if headers is None
                     else headers)  # fmt: skip


def poll_until_done(fake: FakeServer, gid: str) -> dict[str, Any]:
    def done() -> dict[str, Any] | None:
        body: dict[str, Any] = poll(fake, gid).json()
        return body if body["status"] != "pending" else None

    return wait_for(done, what="the job finishing")


def test_magic_prompt_is_deterministic_and_resolves_auto(fake: FakeServer) -> None:
    first = magic(fake, {"text_prompt": "a red fox in snow"})
    assert first.status_code == 200, first.text
    body = first.json()
    assert set(body) == {"json_prompt", "aspect_ratio"}
    assert body["aspect_ratio"] != "AUTO"
    assert body["json_prompt"]["high_level_description"].startswith("a red fox in snow")
    assert body["json_prompt"]["compositional_deconstruction"]["background"]
    assert magic(fake, {"text_prompt": "a red fox in snow"}).json() == body
    fixed = magic(fake, {"text_prompt": "x", "aspect_ratio": "4x1"}).json()
    assert fixed["aspect_ratio"] == "4x1"
    assert fake.stats()["calls_by_endpoint"] == {MAGIC: 3}
    assert fake.stats()["images_issued"] == 0


@pytest.mark.parametrize(
    "body",
    [{}, {"text_prompt": ""}, {"text_prompt": 5}, {"text_prompt": "x", "aspect_ratio": "16:9"},
     {"text_prompt": "x", "aspect_ratio": "5x1"}, {"text_prompt": "x", "num_images": 2}, ["x"]],
)  # fmt: skip
def test_magic_prompt_rules(fake: FakeServer, body: Any) -> None:
    res = magic(fake, body)
    assert res.status_code == 400 and res.json()["error"]


def test_magic_prompt_is_json_only_and_keyed(fake: FakeServer) -> None:
    assert post(fake, MAGIC, text_prompt="x").status_code == 400
    assert magic(fake, {"text_prompt": "x"}, headers={}).status_code == 401
    assert magic(fake, {"text_prompt": "x"}, headers={"Api-Key": "wrong"}).status_code == 401
    fake.inject("unavailable")
    assert magic(fake, {"text_prompt": "x"}).status_code == 503


def test_describe_answers_a_json_prompt_with_the_switches(fake: FakeServer) -> None:
    png = image_bytes(80, 60)
    plain = post(fake, DESCRIBE, {"image_file": png})
    assert plain.status_code == 200, plain.text
    prompt = plain.json()["json_prompt"]
    assert "80x60 PNG" in prompt["high_level_description"]
    assert prompt["compositional_deconstruction"]["elements"][0]["bbox"]
    assert "style_description" not in prompt and "tags" not in prompt
    switches = {"include_bbox": "false", "include_style_descriptions": "true",
                "include_tags": "true"}  # fmt: skip
    full = post(fake, DESCRIBE, {"image_file": png}, **switches).json()["json_prompt"]
    assert "bbox" not in full["compositional_deconstruction"]["elements"][0]
    assert full["style_description"] and full["tags"]
    assert post(fake, DESCRIBE, {"image_file": png}).json() == plain.json()


@pytest.mark.parametrize(
    ("files", "fields"),
    [({}, {}), ({"image": image_bytes()}, {}), ({"image_file": b"<html>"}, {}),
     ({"image_file": image_bytes()}, {"include_tags": "maybe"}),
     ({"image_file": image_bytes()}, {"describe_model_version": "V_4"})],
)  # fmt: skip
def test_describe_rules(fake: FakeServer, files: dict[str, bytes], fields: dict[str, str]) -> None:
    assert post(fake, DESCRIBE, files, **fields).status_code == 400


def test_describe_key_and_unsafe_upload(fake: FakeServer) -> None:
    assert post(fake, DESCRIBE, {"image_file": image_bytes()}, headers={}).status_code == 401
    res = post(fake, DESCRIBE, {"image_file": image_bytes(note="UNSAFE_UPLOAD")})
    assert res.status_code == 422


def test_async_job_goes_pending_then_completed(fake: FakeServer) -> None:
    fake.inject("slow_async", seconds=600)  # pending until the test releases it
    res = submit(fake, resolution="1280x720", seed=3)
    assert res.status_code == 200, res.text
    gid = res.json()["generation_id"]
    assert set(res.json()) == {"generation_id"}
    first = poll(fake, gid).json()
    assert first["status"] == "pending" and "data" not in first and first["created"]
    assert httpx.post(f"{fake.base_url}/_fake/finish-async").json() == {"finished": 1}
    done = poll(fake, gid).json()
    assert done["status"] == "completed" and done["response_type"] == "url"
    (item,) = done["data"]
    assert item["seed"] == 3 and item["resolution"] == "1280x720" and item["url"]
    assert httpx.get(item["url"]).status_code == 200
    assert poll(fake, gid).json() == done  # polling again changes nothing
    stats = fake.stats()
    assert stats["calls_by_endpoint"] == {ASYNC: 1} and stats["images_issued"] == 1


def test_async_failed_unknown_and_bad_ids(fake: FakeServer) -> None:
    fake.inject("async_fail")
    gid = submit(fake).json()["generation_id"]
    failed = poll_until_done(fake, gid)
    assert failed["status"] == "failed" and "data" not in failed
    assert poll(fake, "xtdZiqPwRxqY1Y7NExFmzB").status_code == 404
    assert poll(fake, "not%20an%20id!").status_code == 400
    assert poll(fake, gid, headers={}).status_code == 401


@pytest.mark.parametrize(
    "hook",
    [None, "", "ftp://hooks.example.com/x", "https://127.0.0.1/x", "http://localhost:9/x",
     "https://10.1.2.3/x", "https://169.254.169.254/latest", "https://[::1]/x",
     "http://hooks.example.com/x", "https://hooks.example.com/" + "a" * 2048, "https://:0/x"],
)  # fmt: skip
def test_async_webhook_url_rules(fake: FakeServer, hook: str | None) -> None:
    res = submit(fake, hook)
    assert res.status_code == 400, res.text
    assert "webhook_url" in res.json()["error"]


def test_async_body_rules_are_generate_rules(fake: FakeServer) -> None:
    assert submit(fake, rendering_speed="FLASH").status_code == 400
    assert submit(fake, num_images=2).status_code == 400
    assert "exactly one" in submit(fake, json_prompt="{}").json()["error"]
    as_json = httpx.post(f"{fake.base_url}{ASYNC}", headers=H, params={"webhook_url": HOOK},
                         json={"text_prompt": "x"})  # fmt: skip
    assert as_json.status_code == 200
    assert submit(fake, text_prompt="UNSAFE_PROMPT here").status_code == 422


def test_signed_webhooks_are_delivered_to_loopback_when_allowed() -> None:
    with receiver() as hook, own_server(allow_loopback_webhooks=True, async_delay=0.1) as fake:
        gid = submit(fake, hook.url).json()["generation_id"]
        (delivery,) = hook.wait_for(1)
        body = json.loads(delivery.body)
        assert body["generation_id"] == gid and body["data"][0]["url"]
        headers = {k.lower(): v for k, v in delivery.headers.items()}
        assert headers["x-ideogram-webhook-generation-id"] == gid
        assert headers["x-ideogram-webhook-key-id"] == "v1"
        assert len(headers["x-ideogram-webhook-signature"]) == 128
        assert poll(fake, gid).json()["data"] == body["data"]
        # Duplicates happen and dropped deliveries too (the poll still completes).
        fake.inject("webhook_duplicate")
        twice = submit(fake, hook.url).json()["generation_id"]
        assert [json.loads(d.body)["generation_id"] for d in hook.wait_for(3)[1:]] == [twice] * 2
        fake.inject("webhook_drop")
        dropped = submit(fake, hook.url).json()["generation_id"]
        assert poll_until_done(fake, dropped)["status"] == "completed"
        wait_for(lambda: fake.stats()["webhooks"].get("dropped") == 1, what="the dropped webhook")
        assert len(hook.deliveries) == 3
        # A receiver that fails is retried.
        hook.statuses = [500]
        submit(fake, hook.url)
        assert len(hook.wait_for(4)) == 4
        # The fake counts a delivery once the receiver's answer is back: poll for the count.
        expected = {"sent": 4, "dropped": 1, "failed": 1}
        wait_for(lambda: fake.stats()["webhooks"] == expected, what="the webhook counts")


def test_jwks_is_public_and_rotates(fake: FakeServer) -> None:
    with own_server() as fresh:
        keys = httpx.get(f"{fresh.base_url}/v1/.well-known/jwks.json").json()["keys"]
        assert [(k["kty"], k["crv"], k["alg"], k["kid"]) for k in keys] == [
            ("OKP", "Ed25519", "EdDSA", "v1")
        ]
        assert "=" not in keys[0]["x"] and len(keys[0]["x"]) == 43
        assert httpx.post(f"{fresh.base_url}/_fake/rotate-webhook-key").json() == {"kid": "v2"}
        after = httpx.get(f"{fresh.base_url}/v1/.well-known/jwks.json").json()["keys"]
        assert [k["kid"] for k in after] == ["v1", "v2"] and after[0] == keys[0]
    other = httpx.get(f"{fake.base_url}/v1/.well-known/jwks.json").json()["keys"][0]
    assert other["x"] != keys[0]["x"]  # every fake has its own key
