"""Webhook signature checks (§8): real Ed25519 keys, real deliveries from the fake."""

from __future__ import annotations

import base64
import hashlib
import json
import time
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from ideovault.api import IdeogramClient, parse_params
from ideovault.api.webhooks import WebhookRejected, verify
from tests.conftest import TEST_API_KEY
from tests.fake.conftest import own_server
from tests.receiver import receiver

NOW = 1_800_000_000


def jwk(key: Ed25519PrivateKey, kid: str) -> dict[str, str]:
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    x = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    return {"kty": "OKP", "crv": "Ed25519", "use": "sig", "alg": "EdDSA", "kid": kid, "x": x}


def delivery(
    key: Ed25519PrivateKey, kid: str = "v1", gid: str = "gen123", stamp: int = NOW,
    body: dict[str, Any] | None = None,
) -> tuple[dict[str, str], bytes]:  # fmt: skip
    raw = json.dumps(body or {"generation_id": gid, "created": "x", "data": []}).encode()
    lines = "\n".join((gid, "user9", str(stamp), hashlib.sha256(raw).hexdigest()))
    headers = {
        "X-Ideogram-Webhook-Generation-Id": gid, "X-Ideogram-Webhook-User-Id": "user9",
        "X-Ideogram-Webhook-Timestamp": str(stamp), "X-Ideogram-Webhook-Key-Id": kid,
        "X-Ideogram-Webhook-Signature": key.sign(lines.encode()).hex(),
    }  # fmt: skip
    return headers, raw


KEY = Ed25519PrivateKey.generate()
JWKS = {"keys": [jwk(KEY, "v1")]}


def test_a_valid_delivery_verifies() -> None:
    headers, raw = delivery(KEY)
    event = verify(headers, raw, JWKS, now=NOW + 10)
    assert (event.generation_id, event.user_id, event.timestamp, event.kid) == (
        "gen123", "user9", NOW, "v1",
    )  # fmt: skip
    lower = {k.lower(): v for k, v in headers.items()}  # header names are case-insensitive
    assert verify(lower, raw, JWKS, now=NOW).body["generation_id"] == "gen123"


def test_a_tampered_body_fails() -> None:
    headers, raw = delivery(KEY)
    with pytest.raises(WebhookRejected, match="no published key"):
        verify(headers, raw.replace(b'"data": []', b'"data": [1]'), JWKS, now=NOW)
    # Re-serialising the JSON changes the bytes: the raw body is what is signed.
    reencoded = json.dumps(json.loads(raw), separators=(",", ":")).encode()
    with pytest.raises(WebhookRejected):
        verify(headers, reencoded, JWKS, now=NOW)


def test_a_wrong_key_fails() -> None:
    headers, raw = delivery(Ed25519PrivateKey.generate())
    with pytest.raises(WebhookRejected, match="no published key"):
        verify(headers, raw, JWKS, now=NOW)


@pytest.mark.parametrize("offset", [301, -301, 10_000])
def test_stale_or_future_timestamps_fail(offset: int) -> None:
    headers, raw = delivery(KEY)
    with pytest.raises(WebhookRejected, match="outside"):
        verify(headers, raw, JWKS, now=NOW + offset)
    assert verify(headers, raw, JWKS, tolerance_s=20_000, now=NOW + offset)


def test_header_and_body_ids_must_match() -> None:
    headers, raw = delivery(KEY, gid="gen123", body={"generation_id": "other", "data": []})
    with pytest.raises(WebhookRejected, match="generation_id"):
        verify(headers, raw, JWKS, now=NOW)


@pytest.mark.parametrize(
    "change",
    [{"X-Ideogram-Webhook-Signature": "zz"}, {"X-Ideogram-Webhook-Signature": ""},
     {"X-Ideogram-Webhook-Timestamp": "yesterday"}, {"X-Ideogram-Webhook-User-Id": "user10"},
     {"X-Ideogram-Webhook-Generation-Id": "gen124"}],
)  # fmt: skip
def test_malformed_or_altered_headers_fail(change: dict[str, str]) -> None:
    headers, raw = delivery(KEY)
    with pytest.raises(WebhookRejected):
        verify({**headers, **change}, raw, JWKS, now=NOW)


def test_kid_rotation_the_hint_first_then_any_key() -> None:
    new = Ed25519PrivateKey.generate()
    headers, raw = delivery(new, kid="v2")
    with pytest.raises(WebhookRejected):  # a cache from before the rotation
        verify(headers, raw, JWKS, now=NOW)
    rotated = {"keys": [jwk(KEY, "v1"), jwk(new, "v2")]}  # the caller refetched once
    assert verify(headers, raw, rotated, now=NOW).kid == "v2"
    # A wrong or missing hint still finds the key that verifies.
    headers["X-Ideogram-Webhook-Key-Id"] = "v1"
    assert verify(headers, raw, rotated, now=NOW).kid == "v2"
    junk = {"keys": [{"kty": "RSA", "kid": "r"}, {"kty": "OKP", "crv": "Ed25519", "x": "!!"},
                     "nonsense", jwk(new, "v2")]}  # fmt: skip
    assert verify(headers, raw, junk, now=NOW).kid == "v2"


def test_deliveries_from_the_fake_verify_with_its_jwks() -> None:
    with receiver() as hook, own_server(allow_loopback_webhooks=True, async_delay=0.05) as fake:
        client = IdeogramClient(TEST_API_KEY, fake.base_url)
        gid = client.submit_async(parse_params(model="V_4", prompt="a fox"), hook.url)
        (got,) = hook.wait_for(1)
        jwks = client.jwks()
        event = verify(got.headers, got.body, jwks)
        assert event.generation_id == gid and event.body["data"][0]["url"]
        assert abs(event.timestamp - time.time()) < 60
        # After a rotation the fake signs with v2; the old cached JWKS fails, a refetch works.
        httpx.post(f"{fake.base_url}/_fake/rotate-webhook-key")
        client.submit_async(parse_params(model="V_4", prompt="a fox"), hook.url)
        second = hook.wait_for(2)[1]
        with pytest.raises(WebhookRejected):
            verify(second.headers, second.body, jwks)
        assert verify(second.headers, second.body, client.jwks()).kid == "v2"
        client.close()
