"""Image files as hostile input: headers that lie about the size (decompression bombs),
files that are not images, and random bytes behind real magic numbers — through every command
that takes an image. Refused before anything is sent or stored, with exit 2."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ideovault.api.uploads import MAX_IMAGE_PIXELS, Upload, open_image
from ideovault.blobs import LocalBlobStore
from ideovault.vault.download import CorruptImage, decode_staged
from tests.hostile.conftest import Hostile, assert_nothing_lost
from tests.hostile.crafted import jpeg_claiming, png_claiming, webp_claiming
from tests.images import image_bytes

# Every way a command takes an image file: FILE stands for the hostile file.
COMMANDS: list[tuple[str, ...]] = [
    ("describe", "FILE"),
    ("describe", "FILE", "--v4"),
    ("upscale", "FILE"),
    ("remix", "FILE", "the same, in winter"),
    ("edit", "FILE", "add a hat", "--mask", "GOOD"),
    ("edit", "GOOD", "add a hat", "--mask", "FILE"),
    ("reframe", "FILE", "--resolution", "1312x736"),
    ("replace-background", "FILE", "a snowy forest"),
    ("remove-background", "FILE"),
    ("layerize-text", "FILE"),
    ("instruct", "make it night", "--image", "FILE"),
    ("generate", "a vase", "--style-ref", "FILE"),
    ("generate", "a vase", "--character-ref", "FILE"),
]

BOMBS: dict[str, Callable[[], bytes]] = {
    "png-50000x50000": lambda: png_claiming(50_000, 50_000),
    "png-2^31-wide": lambda: png_claiming(2**31 - 1, 1),
    "png-9000x9000": lambda: png_claiming(9000, 9000),
    "jpeg-40000x40000": lambda: jpeg_claiming(40_000, 40_000),
    "jpeg-65535x65535": lambda: jpeg_claiming(65_535, 65_535),
    "webp-16384x16384": lambda: webp_claiming(16_384, 16_384),
}

NOT_IMAGES: dict[str, Callable[[], bytes]] = {
    "empty": lambda: b"",
    "text": lambda: b"hello, I am a PNG",
    "script": lambda: b"<script>alert(1)</script>",
    "png-magic-only": lambda: b"\x89PNG\r\n\x1a\n",
    "png-truncated": lambda: image_bytes(200, 200)[:300],
    "gif": lambda: image_bytes(8, 8, "GIF"),
    "png-zero-width": lambda: png_claiming(0, 10),
    "jpeg-magic-only": lambda: b"\xff\xd8\xff",
    "riff-not-webp": lambda: b"RIFF\x10\0\0\0WAVEfmt ",
    "webp-header-only": lambda: b"RIFF\x04\0\0\0WEBP",
    "nul-bytes": lambda: b"\0" * 4096,
}


def _args(command: tuple[str, ...], hostile_file: Path, good: Path) -> list[str]:
    return [str(hostile_file) if a == "FILE" else str(good) if a == "GOOD" else a for a in command]


def test_a_lying_header_is_refused_before_decoding() -> None:
    with pytest.raises(ValueError, match=r"claims 50000x50000 pixels .* at most 67 megapixels"):
        open_image(png_claiming(50_000, 50_000), "the input image")
    with pytest.raises(ValueError, match="the mask claims 40000x40000"):
        Upload.from_bytes(jpeg_claiming(40_000, 40_000), "the mask")
    with pytest.raises(ValueError, match="megapixels"):
        Upload.from_bytes(webp_claiming(16_384, 16_384))
    side = int(MAX_IMAGE_PIXELS**0.5)
    with open_image(png_claiming(side, side)) as image:  # at the limit: opened (not decoded)
        assert image.size == (side, side)


@pytest.mark.parametrize("bomb", sorted(BOMBS))
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: "-".join(c[:2]))
def test_every_command_refuses_a_bomb_and_sends_nothing(
    hostile: Hostile, tmp_path: Path, bomb: str, command: tuple[str, ...]
) -> None:
    path = tmp_path / "bomb.png"
    path.write_bytes(BOMBS[bomb]())
    good = tmp_path / "good.png"
    good.write_bytes(image_bytes(64, 64))
    result = hostile.run(*_args(command, path, good), channel="image files")
    assert result.code == 2, result.err
    assert "megapixels" in result.err or "does not decode" in result.err
    listed = hostile.run("list", "--json", channel="setup")
    assert listed.out.strip() == "[]"  # nothing stored, not even the good input


@pytest.mark.parametrize("kind", sorted(NOT_IMAGES))
@pytest.mark.parametrize("command", COMMANDS[::3], ids=lambda c: "-".join(c[:2]))
def test_files_that_are_not_images_are_refused(
    hostile: Hostile, tmp_path: Path, kind: str, command: tuple[str, ...]
) -> None:
    path = tmp_path / "odd.png"
    path.write_bytes(NOT_IMAGES[kind]())
    good = tmp_path / "good.png"
    good.write_bytes(image_bytes(64, 64))
    result = hostile.run(*_args(command, path, good), channel="image files")
    assert result.code == 2, result.err


@pytest.mark.parametrize("kind", ["folder", "fifo", "dangling-symlink", "missing"])
def test_paths_that_are_not_files_are_refused(hostile: Hostile, tmp_path: Path, kind: str) -> None:
    path = tmp_path / "input.png"
    if kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "dangling-symlink":
        path.symlink_to(tmp_path / "nowhere.png")
    for command in COMMANDS[:4]:
        result = hostile.run(*_args(command, path, path), channel="image files")
        assert result.code == 2, result.err


@settings(
    max_examples=60, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip
@given(
    magic=st.sampled_from([b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"RIFF\0\0\0\0WEBP", b""]),
    body=st.binary(max_size=512),
)
def test_random_bytes_behind_a_real_magic_number(
    hostile: Hostile, tmp_path: Path, magic: bytes, body: bytes
) -> None:
    path = tmp_path / "random.img"
    path.write_bytes(magic + body)
    result = hostile.run("upscale", str(path), "--dry-run", channel="image files")
    assert result.code == 2, result.err


def test_stored_images_survive_the_attack(
    hostile: Hostile, stored: list[dict[str, str]], tmp_path: Path
) -> None:
    path = tmp_path / "bomb.png"
    path.write_bytes(png_claiming(50_000, 50_000))
    for command in COMMANDS:
        hostile.run(*_args(command, path, path), channel="image files")
    assert_nothing_lost(hostile, stored)


@pytest.mark.parametrize("bomb", sorted(BOMBS))
def test_a_download_that_lies_about_its_size_is_refused_before_decoding(
    tmp_path: Path, bomb: str
) -> None:
    """The same check guards downloads (and import, which decodes through decode_staged)."""
    store = LocalBlobStore(tmp_path / "blobs")
    with store.stage() as staged:
        staged.write(BOMBS[bomb]())
        staged.finish()
        with pytest.raises(CorruptImage, match=r"megapixels|does not decode"):
            decode_staged(staged)
    assert not any(p.is_file() for p in (tmp_path / "blobs").rglob("*.png"))
