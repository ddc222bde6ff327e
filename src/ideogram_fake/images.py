"""Deterministic images: the same (prompt, seed, index, size) always gives the same PNG bytes.

Why it looks like this:

- The picture is drawn small (gradient and shapes, colours from a hash of the inputs) and then
  scaled up, so every input looks different while a 1 MP image costs a few milliseconds.
- A fine deterministic grain keeps the files in a realistic size class (hundreds of kilobytes,
  not a few KB), so download and storage benchmarks see real-looking traffic.
- The PNG is written here with unfiltered scanlines and zlib level 1: Pillow's encoder tries
  every row filter, which makes a grainy 1 MP image about twice as slow. The output is a plain,
  valid 8-bit RGB PNG that every decoder reads.
- Transparent outputs (generate-transparent, remove-background, /v1/edit with a transparent
  background) are RGBA: the same picture with an alpha mask (an opaque blob on a clear field).
  They can be 16 MP (X4 upscale), so above ``ALPHA_DRAW_PIXELS`` they are drawn at a smaller
  size and scaled up with nearest-neighbour — what an upscale looks like, at a fraction of
  the cost (drawing and grain dominate; repeated rows also compress well).
"""

from __future__ import annotations

import hashlib
import random
import struct
import zlib

from PIL import Image, ImageDraw, ImageFilter

_SMALL = 128  # longest side of the sketch that is scaled up
_GRAIN = 2  # pixels per grain cell
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ALPHA_DRAW_PIXELS = 1_100_000  # a transparent output is drawn at most about this size


def image_digest(
    prompt: str, seed: int, index: int, width: int, height: int, source: str = ""
) -> bytes:
    """What the pixels depend on, and nothing else (no time, no server secret).

    ``source`` is a digest of the uploaded image(s) of an image operation (remix, edit, …), so
    two remixes of different pictures differ; it is left out when empty, which keeps the bytes
    of plain generate calls what they always were.
    """
    key = f"{prompt}\x00{seed}\x00{index}\x00{width}x{height}"
    if source:
        key += f"\x00{source}"
    return hashlib.sha256(key.encode()).digest()


def render_png(
    prompt: str,
    seed: int,
    index: int,
    width: int,
    height: int,
    source: str = "",
    alpha: bool = False,
) -> bytes:
    """A PNG of exactly ``width`` x ``height`` pixels, identical for identical inputs; with
    ``alpha`` an RGBA one (its bytes differ from the RGB one of the same inputs)."""
    rng = random.Random(image_digest(prompt, seed, index, width, height, source))
    if not alpha:
        return encode_png(_draw(rng, width, height))
    scale = min(1.0, (ALPHA_DRAW_PIXELS / (width * height)) ** 0.5)
    dw, dh = max(8, int(width * scale)), max(8, int(height * scale))
    picture = _draw(rng, dw, dh)
    mask = Image.new("L", (dw, dh), 0)
    ImageDraw.Draw(mask).ellipse((dw // 8, dh // 8, dw - dw // 8, dh - dh // 8), fill=255)
    picture.putalpha(mask)
    if (dw, dh) != (width, height):
        picture = picture.resize((width, height), Image.Resampling.NEAREST)
    return encode_png(picture)


def _colour(rng: random.Random) -> tuple[int, int, int]:
    return rng.randrange(256), rng.randrange(256), rng.randrange(256)


def _draw(rng: random.Random, width: int, height: int) -> Image.Image:
    longest = max(width, height)
    sw, sh = max(8, _SMALL * width // longest), max(8, _SMALL * height // longest)
    gradient = Image.linear_gradient("L")
    if rng.random() < 0.5:
        gradient = gradient.transpose(Image.Transpose.ROTATE_90)
    gradient = gradient.resize((sw, sh))
    top, bottom = _colour(rng), _colour(rng)
    sketch = Image.composite(
        Image.new("RGB", (sw, sh), bottom), Image.new("RGB", (sw, sh), top), gradient
    )
    draw = ImageDraw.Draw(sketch)
    for _ in range(rng.randrange(3, 9)):
        x0, y0 = rng.randrange(sw), rng.randrange(sh)
        x1, y1 = x0 + rng.randrange(4, sw // 2 + 5), y0 + rng.randrange(4, sh // 2 + 5)
        shape = rng.randrange(3)
        if shape == 0:
            draw.ellipse((x0, y0, x1, y1), fill=_colour(rng))
        elif shape == 1:
            draw.rectangle((x0, y0, x1, y1), fill=_colour(rng))
        else:
            draw.polygon([(x0, y1), ((x0 + x1) // 2, y0), (x1, y1)], fill=_colour(rng))
    image = sketch.filter(ImageFilter.SMOOTH).resize((width, height), Image.Resampling.BILINEAR)
    gw, gh = -(-width // _GRAIN), -(-height // _GRAIN)
    grain = Image.frombytes("L", (gw, gh), rng.randbytes(gw * gh))
    grain = grain.resize((gw * _GRAIN, gh * _GRAIN), Image.Resampling.NEAREST)
    grain = grain.crop((0, 0, width, height))
    return Image.blend(image, Image.merge("RGB", (grain, grain, grain)), 0.04)


def encode_png(image: Image.Image) -> bytes:
    """Minimal PNG writer: IHDR, one IDAT of unfiltered scanlines, IEND. RGBA stays RGBA
    (colour type 6); anything else is written as RGB (colour type 2)."""
    rgb = image if image.mode == "RGBA" else image.convert("RGB")
    channels, colour_type = (4, 6) if rgb.mode == "RGBA" else (3, 2)
    width, height = rgb.size
    raw = rgb.tobytes()
    stride = width * channels
    scanlines = b"".join(b"\x00" + raw[row * stride : (row + 1) * stride] for row in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    idat = zlib.compress(scanlines, 1)
    return _PNG_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def corrupt_png(data: bytes, key: str) -> bytes:
    """Same length, a PNG signature, then junk: looks like a PNG, never decodes."""
    junk = random.Random(key).randbytes(max(0, len(data) - len(_PNG_SIGNATURE) - 4))
    # A first chunk length far beyond the file makes every decoder give up at once.
    return _PNG_SIGNATURE + b"\xff\xff\xff\xf0" + junk
