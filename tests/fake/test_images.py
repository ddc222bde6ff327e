"""The PNG renderer on its own: exact sizes, determinism, varied pictures, real PNG files."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from ideogram_fake.images import corrupt_png, render_png
from ideovault.api import enums


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize("size", ["1024x1024", "1312x736", "512x1536", "1536x640", "1x1", "7x3"])
def test_exact_size_and_rgb(size: str) -> None:
    width, height = (int(side) for side in size.split("x"))
    image = decode(render_png("a fox", 1, 0, width, height))
    assert image.format == "PNG" and image.mode == "RGB" and image.size == (width, height)


def test_deterministic_and_sensitive_to_every_input() -> None:
    base = render_png("a fox", 1, 0, 256, 256)
    assert render_png("a fox", 1, 0, 256, 256) == base
    others = [
        render_png("a fox!", 1, 0, 256, 256),
        render_png("a fox", 2, 0, 256, 256),
        render_png("a fox", 1, 1, 256, 256),
        render_png("a fox", 1, 0, 256, 255),
    ]
    assert all(other != base for other in others)


def test_pictures_look_different() -> None:
    """Not just different grain: the average colours differ between seeds."""
    means = set()
    for seed in range(6):
        image = decode(render_png("x", seed, 0, 64, 64)).resize((1, 1), Image.Resampling.BOX)
        means.add(image.getpixel((0, 0)))
    assert len(means) == 6


def test_every_resolution_of_the_lists_renders() -> None:
    sizes = set(enums.V3_RESOLUTIONS) | set(enums.ASPECT_TO_RESOLUTION.values())
    sample = sorted(sizes)[::9]
    for size in sample:
        width, height = (int(side) for side in size.split("x"))
        assert decode(render_png("p", 0, 0, width, height)).size == (width, height)


def test_non_ascii_prompts() -> None:
    assert decode(render_png("ein Fuchs 🦊 — «renard»", 3, 2, 64, 32)).size == (64, 32)


def test_corrupt_png_keeps_the_length_and_never_decodes() -> None:
    good = render_png("x", 1, 0, 128, 128)
    bad = corrupt_png(good, "id")
    assert len(bad) == len(good) and bad[:8] == good[:8] and bad != good
    assert corrupt_png(good, "id") == bad
    with pytest.raises(Exception):  # noqa: B017 - Pillow raises several kinds
        decode(bad)
