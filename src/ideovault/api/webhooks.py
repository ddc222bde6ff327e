"""Checking an Ideogram webhook delivery (docs/ideogram-api.md §8): Ed25519 over four lines.

The message is ``generation_id``, ``user_id``, ``timestamp`` and the sha256 hex of the raw body,
joined by ``\\n``; the signature (lowercase hex) must verify under one of the keys Ideogram
publishes at ``/v1/.well-known/jwks.json``. The raw bytes are hashed as received — never JSON
re-serialised, which would change them. A delivery is refused when it is stale (a replay), when
the header and body disagree on the generation id, or when no key verifies it.

Key rotation: ``verify`` tries the key named by ``X-Ideogram-Webhook-Key-Id`` first, then the
others. When none verifies, the caller refetches the JWKS once and calls ``verify`` again (the
keys may have rotated since they were cached); ``verify`` itself never talks to the network.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ideovault.errors import IdeovaultError

HEADER_PREFIX = "x-ideogram-webhook-"
DEFAULT_TOLERANCE_S = 300
MAX_BODY_BYTES = 5 * 1024 * 1024


class WebhookRejected(IdeovaultError):
    """The delivery is not provably from Ideogram (or is a replay): do not act on it."""


@dataclass(frozen=True)
class WebhookEvent:
    """A verified delivery: who it is about, when it was signed, its JSON body, which key."""

    generation_id: str
    user_id: str
    timestamp: int
    body: dict[str, Any]
    kid: str


def message(generation_id: str, user_id: str, timestamp: str, raw_body: bytes) -> bytes:
    """What Ideogram signs: the four lines, UTF-8."""
    digest = hashlib.sha256(raw_body).hexdigest()
    return "\n".join((generation_id, user_id, timestamp, digest)).encode("utf-8")


def _b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _keys(jwks: Mapping[str, Any], kid_hint: str) -> list[tuple[str, bytes]]:
    """The Ed25519 keys of a JWKS document, the hinted ``kid`` first; malformed ones skipped."""
    found: list[tuple[str, bytes]] = []
    for key in jwks.get("keys") or []:
        if not isinstance(key, dict) or key.get("kty") != "OKP" or key.get("crv") != "Ed25519":
            continue
        try:
            raw = _b64url(str(key.get("x", "")))
        except (ValueError, binascii.Error):
            continue
        if len(raw) == 32:
            found.append((str(key.get("kid", "")), raw))
    found.sort(key=lambda item: item[0] != kid_hint)  # stable: the hinted kid first
    return found


def verify(
    headers: Mapping[str, str],
    raw_body: bytes,
    jwks: Mapping[str, Any],
    tolerance_s: float = DEFAULT_TOLERANCE_S,
    *,
    now: float | None = None,
) -> WebhookEvent:
    """Check one delivery; return what it says, or raise :class:`WebhookRejected`."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    h = {k.lower(): v for k, v in headers.items()}

    def header(name: str) -> str:
        value = h.get(HEADER_PREFIX + name)
        if not value:
            raise WebhookRejected(f"the delivery has no X-Ideogram-Webhook-{name.title()} header")
        return value.strip()

    gid, user, stamp, signature = (
        header(n) for n in ("generation-id", "user-id", "timestamp", "signature")
    )
    kid = h.get(HEADER_PREFIX + "key-id", "").strip()
    if len(raw_body) > MAX_BODY_BYTES:
        raise WebhookRejected("the delivery's body is too large to be a webhook")
    if not stamp.isdigit() or len(stamp) > 12:
        raise WebhookRejected("the delivery's timestamp is not Unix seconds")
    age = (time.time() if now is None else now) - int(stamp)
    if abs(age) > tolerance_s:
        raise WebhookRejected(
            f"the delivery was signed {age:.0f} s from now, outside ±{tolerance_s:g} s: "
            "stale (a replay?) or a clock far off"
        )
    try:
        sig = bytes.fromhex(signature)
    except ValueError:
        raise WebhookRejected("the signature is not hex") from None
    signed = message(gid, user, stamp, raw_body)
    used: str | None = None
    for key_id, raw_key in _keys(jwks, kid):
        try:
            Ed25519PublicKey.from_public_bytes(raw_key).verify(sig, signed)
        except InvalidSignature:
            continue
        used = key_id
        break
    if used is None:
        raise WebhookRejected(
            "no published key verifies the signature (refetch the JWKS once: keys rotate)"
        )
    try:
        body = json.loads(raw_body)
    except ValueError:
        raise WebhookRejected("the signed body is not JSON") from None
    if not isinstance(body, dict) or body.get("generation_id") != gid:
        raise WebhookRejected("the body's generation_id is not the header's")
    return WebhookEvent(gid, user, int(stamp), body, used)
