"""The fake's webhook signing keys (docs/ideogram-api.md §8): Ed25519, published as a JWKS.

Each fake server makes its own key at start (nothing is stored), so no test can pass by
accident with a key it was not given. ``rotate()`` adds a new current key and keeps the old one
published, as a real rotation does; a client that cached the old JWKS must refetch once.
The message is built here independently of ``api.webhooks``: the fake must catch a client that
hashes the wrong bytes, so the two sides may not share the code they are testing.
"""

from __future__ import annotations

import base64
import hashlib
import threading
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


class WebhookKeys:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: list[tuple[str, Ed25519PrivateKey]] = []
        self.rotate()

    def rotate(self) -> str:
        """A new signing key (kid v1, v2, …); older ones stay in the JWKS. Returns its kid."""
        with self._lock:
            kid = f"v{len(self._keys) + 1}"
            self._keys.append((kid, Ed25519PrivateKey.generate()))
            return kid

    def jwks(self) -> dict[str, Any]:
        with self._lock:
            keys = list(self._keys)
        return {"keys": [_jwk(kid, key) for kid, key in keys]}

    def sign(
        self, generation_id: str, user_id: str, timestamp: str, body: bytes
    ) -> tuple[str, str]:
        """(kid, lowercase hex signature) of one delivery, with the current key."""
        lines = (generation_id, user_id, timestamp, hashlib.sha256(body).hexdigest())
        with self._lock:
            kid, key = self._keys[-1]
        return kid, key.sign("\n".join(lines).encode("utf-8")).hex()


def _jwk(kid: str, key: Ed25519PrivateKey) -> dict[str, str]:
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    x = base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
    return {"kty": "OKP", "crv": "Ed25519", "use": "sig", "alg": "EdDSA", "kid": kid, "x": x}
