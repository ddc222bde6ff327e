"""generate-transparent, remove-background, layerize-text and instruct from the command line,
with a hostile input for each."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.cli.conftest import API_KEY
from tests.images import image_file


def test_generate_transparent_json_and_dry_run(run, fake) -> None:  # type: ignore[no-untyped-def]
    offer = run("generate-transparent", "a sticker", "--upscale", "x4", "--speed", "QUALITY",
                "-n", "2", "--dry-run", "--json")  # fmt: skip
    assert offer.code == 0, offer.err
    body = json.loads(offer.out)
    assert body["endpoint"] == "/v1/ideogram-v3/generate-transparent"
    assert body["estimated_usd"] == 0.52 and fake.stats()["generate_calls"] == 0
    result = run("generate-transparent", "a sticker", "--aspect", "1x1", "--seed", "3", "--json")
    assert result.code == 0, result.err
    (record,) = json.loads(result.out)
    assert record["operation"] == "generate-transparent" and record["resolution"] == "1024x1024"


def test_remove_background_of_a_file(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    photo = image_file(tmp_path, "photo.png", 40, 30)
    result = run("remove-background", str(photo), "--json")
    assert result.code == 0, result.err
    (record,) = json.loads(result.out)
    assert record["resolution"] == "40x30" and record["seed"] is None
    assert record["parent_id"] and record["model"] == "REMOVE_BACKGROUND"


def test_layerize_text_human_and_json(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    poster = image_file(tmp_path, "poster.png", 64, 64)
    human = run("layerize-text", str(poster), "--prompt", "OPEN LATE", "--seed", "2")
    assert human.code == 0, human.err
    assert "1 text block(s): OPEN LATE" in human.err
    forced = run("layerize-text", str(poster), "--prompt", "OPEN LATE", "--seed", "2", "--force",
                 "--json")  # fmt: skip
    (record,) = json.loads(forced.out)
    assert record["descriptions"][0]["text_blocks"][0]["text"] == "OPEN LATE"
    found = json.loads(run("search", "late", "--json").out)["results"]
    assert {r["id"] for r in found} >= {record["id"]}


def test_instruct_with_two_inputs(run, fake, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = image_file(tmp_path, "a.png", 64, 64)
    second = image_file(tmp_path, "b.png", 32, 32, color="blue")
    result = run("instruct", "put a on b", "--image", str(first), "-i", str(second),
                 "--transparent", "--seed", "1", "--json")  # fmt: skip
    assert result.code == 0, result.err
    (record,) = json.loads(result.out)
    assert record["operation"] == "instruct" and record["parent_id"]
    dry = run("instruct", "x", "--image", str(first), "-n", "3", "--dry-run", "--json")
    assert json.loads(dry.out)["estimated_usd"] == 0.6
    assert fake.stats()["calls_by_endpoint"] == {"/v1/edit": 1}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["generate-transparent", "x", "--speed", "FLASH"], "does not take FLASH"),
        (["generate-transparent", "x", "--upscale", "X3"], "upscale_factor"),
        (["generate-transparent", "x" * 20_000], "prompt"),
        (["remove-background", "../../../../etc/passwd"], "not a PNG, JPEG or WebP"),
        (["remove-background", "x'; DROP TABLE images; --"], "neither a file nor an image id"),
        (["layerize-text", "<script>alert(1)</script>"], "neither a file nor an image id"),
        (["layerize-text", "ffff", "--seed", "-4"], "neither a file|greater than or equal"),
        (["instruct", "x"], "Missing option '--image'"),
        (["instruct", "x", "--image", "/dev/null"], "is not a file"),
        (["instruct", "", "--image", "nope"], "neither a file nor an image id|needs a prompt"),
    ],
)
def test_hostile_inputs_are_clear_errors(run, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    result = run(*args)
    assert result.code == 2, (result.code, result.err)
    assert "Traceback" not in result.err
    assert re.search(message, result.err), result.err


def test_too_many_instruct_inputs_and_the_key(run, fake, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    photo = image_file(tmp_path, "p.png")
    args = [a for _ in range(11) for a in ("--image", str(photo))]
    result = run("instruct", "x", *args)
    assert result.code == 2 and "at most 10 input images" in result.err
    assert fake.stats()["generate_calls"] == 0
    outputs = [
        run("remove-background", str(photo), "--json"),
        run("layerize-text", str(photo), "--json"),
        run("instruct", "x", "--image", str(photo)),
        run("generate-transparent", "x", "--dry-run"),
    ]
    for output in outputs:
        assert output.code == 0, output.err
        assert API_KEY not in output.out + output.err
