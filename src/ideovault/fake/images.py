"""Deterministic images: the same (prompt, seed, index, size) always gives the same PNG bytes.

Rendering draws a small picture (gradient, shapes, colours from a hash) and scales it up, which
keeps a 1 MP image at a few milliseconds while still looking different for every input.
"""

from __future__ import annotations

import hashlib
import io
import random

from PIL import Image, ImageDraw, ImageFilter

_SMALL = 128


def render_png(prompt: str, seed: int, index: int, width: int, height: int) -> bytes:
    digest = hashlib.sha256(f"{prompt}\x00{seed}\x00{index}\x00{width}x{height}".encode()).digest()
    rng = random.Random(digest)
    sw = max(8, _SMALL * width // max(width, height))
    sh = max(8, _SMALL * height // max(width, height))
    top = tuple(rng.randrange(256) for _ in range(3))
    bottom = tuple(rng.randrange(256) for _ in range(3))
    gradient = Image.linear_gradient("L").resize((sw, sh))
    image = Image.composite(
        Image.new("RGB", (sw, sh), bottom), Image.new("RGB", (sw, sh), top), gradient
    )
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randrange(3, 9)):
        x0, y0 = rng.randrange(sw), rng.randrange(sh)
        x1, y1 = x0 + rng.randrange(4, sw // 2 + 5), y0 + rng.randrange(4, sh // 2 + 5)
        fill = tuple(rng.randrange(256) for _ in range(3))
        if rng.random() < 0.5:
            draw.ellipse((x0, y0, x1, y1), fill=fill)
        else:
            draw.rectangle((x0, y0, x1, y1), fill=fill)
    image = image.filter(ImageFilter.SMOOTH).resize((width, height), Image.Resampling.BILINEAR)
    # A little deterministic grain makes the files realistic in size class (not kilobytes).
    noise = Image.frombytes("L", (64, 64), rng.randbytes(64 * 64)).resize((width, height))
    image = Image.blend(image, Image.merge("RGB", (noise, noise, noise)), 0.04)
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)
    return out.getvalue()
