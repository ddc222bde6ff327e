"""Image links like Ideogram's: ``/api/images/ephemeral/<id>.png?exp=<unix>&sig=<hex>``.

The id is random (22 url-safe characters, as in real links); ``exp`` is the expiry instant in
Unix seconds and ``sig`` an HMAC-SHA256 of id and exp under a secret that lives only as long as
the server, so a client cannot extend a link by editing ``exp``. The pixels depend only on what
was asked (prompt, seed, index, size, input image), never on the id: the same request gives the
same bytes on any server, on any day. PNGs are rendered on first download and kept in a bounded LRU.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from ideogram_fake.images import render_png

LINK_PREFIX = "/api/images/ephemeral/"


@dataclass(frozen=True)
class IssuedImage:
    """What determines an image's bytes."""

    prompt: str
    seed: int
    index: int
    width: int
    height: int
    source: str = ""  # digest of the uploaded input of an image operation ("" for generate)
    alpha: bool = False  # an RGBA PNG (transparent outputs)


class LinkCheck:
    """Outcome of checking a download link."""

    OK = "ok"
    UNKNOWN = "unknown"  # → 404
    EXPIRED = "expired"  # → 403 (also a bad signature: the real CDN does not say which)


class ImageLinks:
    """Issues signed links and serves their bytes; safe from any request thread."""

    def __init__(self, cache_size: int, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._secret = os.urandom(32)
        self._issued: dict[str, IssuedImage] = {}
        self._cache: OrderedDict[IssuedImage, bytes] = OrderedDict()
        self._cache_size = max(1, cache_size)
        self._lock = threading.Lock()

    def sign(self, image_id: str, exp: int) -> str:
        return hmac.new(self._secret, f"{image_id}:{exp}".encode(), hashlib.sha256).hexdigest()

    def issue(self, item: IssuedImage, base_url: str, ttl: float) -> str:
        """Register an image and return its link, valid for at least ``ttl`` seconds."""
        image_id = secrets.token_urlsafe(16)[:22]
        exp = math.ceil(self._clock() + ttl)
        with self._lock:
            self._issued[image_id] = item
        sig = self.sign(image_id, exp)
        return f"{base_url.rstrip('/')}{LINK_PREFIX}{image_id}.png?exp={exp}&sig={sig}"

    def check(self, image_id: str, exp: str, sig: str) -> str:
        with self._lock:
            known = image_id in self._issued
        if not known:
            return LinkCheck.UNKNOWN
        if not exp.isdigit() or len(exp) > 12:
            return LinkCheck.EXPIRED
        good = self.sign(image_id, int(exp))
        if not hmac.compare_digest(sig.encode("utf-8", "replace"), good.encode()):
            return LinkCheck.EXPIRED
        if self._clock() >= int(exp):
            return LinkCheck.EXPIRED
        return LinkCheck.OK

    def png(self, image_id: str) -> bytes:
        """The image's bytes: rendered on first use, then served from the LRU."""
        with self._lock:
            item = self._issued[image_id]
            cached = self._cache.get(item)
            if cached is not None:
                self._cache.move_to_end(item)
                return cached
        data = render_png(
            item.prompt, item.seed, item.index, item.width, item.height, item.source, item.alpha
        )
        with self._lock:
            self._cache[item] = data
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return data
