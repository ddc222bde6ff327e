"""Download one image into the blob store and prove it is whole before calling it stored.

A download is streamed into a staged blob while it is hashed, then checked: the byte count
against Content-Length (the client does that), the magic bytes, and a full decode with Pillow
(a truncated or corrupt PNG fails to decode). Only then is it committed. Truncated and corrupt
downloads are retried a few times; an expired link is final.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from PIL import Image, UnidentifiedImageError

from ideovault.api.client import IdeogramClient
from ideovault.api.errors import DownloadFailed, LinkExpired
from ideovault.api.uploads import open_image
from ideovault.api.uploads import sniff as sniff_mime
from ideovault.blobs import EXTENSIONS, BlobRef, BlobStore, Staged

log = logging.getLogger("ideovault.download")

MAX_IMAGE_BYTES = 200 * 1024 * 1024  # far above any Ideogram output (4 MP PNG ≈ 10 MB)
CHUNK = 64 * 1024
# Decoding is CPU work (and a 1 MP image is ~4 MB of pixels while it is checked): more decodes
# at once than cores only adds memory — ten batch threads decoding together held ~60 MB more
# — so downloads run in parallel and the checks take turns, one per core.
DECODES = threading.BoundedSemaphore(max(1, os.cpu_count() or 1))


class CorruptImage(DownloadFailed):
    """The bytes arrived whole but are not an image we can decode."""


@dataclass(frozen=True)
class Downloaded:
    blob: BlobRef
    sha256: str
    size: int
    width: int
    height: int
    mime: str
    phash: str
    stored_at: datetime


def decode_staged(staged: Staged) -> tuple[str, int, int, str]:
    """Prove the bytes are the image the server meant to send, and fingerprint what it shows.

    A full decode proves the pixels decode — for PNG, Pillow also checks every chunk's CRC as it
    reads, so one flipped byte anywhere in the pixel data is caught — and yields the perceptual
    hash that "similar" and near-duplicate search use.
    """
    with staged.path.open("rb") as fh:
        mime = sniff_mime(fh.read(16))
    try:
        # the header is checked (type, pixel limit) before anything is decoded; at most one
        # decode per core at once (DECODES, above)
        with DECODES, open_image(staged.path, "the downloaded image") as im:
            width, height = im.size
            try:
                im.load()
            except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
                raise CorruptImage(f"the downloaded image does not decode ({exc})") from None
            phash = perceptual_hash(im)
    except ValueError as exc:  # not an image, or a size over the limit: the header lied
        raise CorruptImage(str(exc)) from None
    assert mime is not None  # open_image refused anything else
    return mime, width, height, phash


def perceptual_hash(image: Image.Image) -> str:
    """64-bit DCT perceptual hash as 16 hex digits (near-identical pictures differ in few bits)."""
    import imagehash  # numpy/scipy: loaded only when an image is stored

    return str(imagehash.phash(image))


def fetch_once(
    client: IdeogramClient, store: BlobStore, url: str, metadata: dict[str, str] | None = None
) -> Downloaded:
    with store.stage() as staged, client.download(url) as dl:
        if dl.content_length is not None and dl.content_length > MAX_IMAGE_BYTES:
            raise DownloadFailed(f"refusing a {dl.content_length}-byte download")
        for chunk in dl.iter_bytes():
            staged.write(chunk)
            if staged.size > MAX_IMAGE_BYTES:
                raise DownloadFailed("the download is larger than any image should be")
        staged.finish()
        mime, width, height, phash = decode_staged(staged)
        blob = store.commit(staged, EXTENSIONS[mime], metadata)
        return Downloaded(
            blob, staged.sha256, staged.size, width, height, mime, phash, datetime.now(UTC)
        )


def fetch(
    client: IdeogramClient,
    store: BlobStore,
    url: str,
    *,
    metadata: dict[str, str] | None = None,
    attempts: int = 3,
    backoff: float = 0.5,
    sleep: Callable[[float], None] = time.sleep,
) -> Downloaded:
    """Download with bounded retries for truncated or corrupt bodies; LinkExpired is final."""
    last: DownloadFailed | None = None
    for attempt in range(attempts):
        try:
            return fetch_once(client, store, url, metadata)
        except LinkExpired:
            raise
        except DownloadFailed as exc:
            last = exc
            log.info("download attempt %d failed: %s", attempt + 1, exc)
            if attempt + 1 < attempts:
                sleep(backoff * (2**attempt))
    assert last is not None
    raise last
