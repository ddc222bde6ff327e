"""The image operations, lineage, describe and reproduce from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import API_KEY
from tests.images import image_file


def _generate(run, *args: str) -> dict:  # type: ignore[no-untyped-def]
    result = run("generate", "a red fox", "--seed", "4", "--json", *args)
    assert result.code == 0, result.err
    return json.loads(result.out)[0]


def test_remix_by_prefix_then_lineage_and_reproduce_as_json(run, fake) -> None:
    source = _generate(run)
    remix = run("remix", source["id"][:18], "a <b>blue</b> fox", "--weight", "70", "--seed", "5",
                "--json")  # fmt: skip
    assert remix.code == 0, remix.err
    (child,) = json.loads(remix.out)
    assert child["parent_id"] == source["id"] and child["operation"] == "remix"
    assert child["prompt"] == "a <b>blue</b> fox"
    tree = json.loads(run("lineage", child["id"], "--json").out)
    assert [a["id"] for a in tree["ancestors"]] == [source["id"]]
    again = run("reproduce", child["id"], "--json")
    assert again.code == 0, again.err
    body = json.loads(again.out)
    assert body["original_id"] == child["id"] and body["reused"] is True  # seeded: from vault
    forced = json.loads(run("reproduce", child["id"], "--force", "--json").out)
    assert forced["reused"] is False and forced["identical"] is True
    assert "reproduced" in forced["images"][0]["tags"]
    human = run("lineage", source["id"])
    assert human.code == 0 and child["id"][:13] in human.out and "remix" in human.out


def test_file_inputs_edit_upscale_reframe_describe(run, tmp_path: Path) -> None:
    photo = image_file(tmp_path, "photo.png", 64, 64)
    mask = image_file(tmp_path, "mask.png", 64, 64, color="black")
    edit = run("edit", str(photo), "add a hat", "--mask", str(mask), "--json")
    assert edit.code == 0, edit.err
    upload_id = json.loads(edit.out)[0]["parent_id"]
    up = json.loads(run("upscale", upload_id, "--json").out)[0]
    assert up["parent_id"] == upload_id and up["model"] == "UPSCALE"
    reframed = run("reframe", str(photo), "--resolution", "1312x736", "--json")
    assert json.loads(reframed.out)[0]["resolution"] == "1312x736"
    bg = run("replace-background", upload_id, "a beach", "--json")
    assert bg.code == 0, bg.err
    described = run("describe", str(photo), "--json")
    assert described.code == 0, described.err
    body = json.loads(described.out)
    assert body["image_id"] == upload_id and body["descriptions"]
    assert run("show", upload_id, "--json").out.count(body["descriptions"][0][:20]) == 1


def test_dry_run_prints_the_cost_and_sends_nothing(run, fake, tmp_path: Path) -> None:
    photo = image_file(tmp_path, "photo.png")
    result = run("remix", str(photo), "x", "-n", "3", "--dry-run", "--json")
    assert result.code == 0, result.err
    offer = json.loads(result.out)
    assert offer["endpoint"] == "/v1/ideogram-v3/remix" and offer["estimated_usd"] == 0.18
    assert fake.stats()["generate_calls"] == 0
    assert json.loads(run("list", "--json").out) == []  # the file was not stored either


def test_a_budget_stops_an_operation_before_the_call(run, fake, tmp_path: Path) -> None:
    photo = image_file(tmp_path, "photo.png")
    result = run("upscale", str(photo), "-n", "4", "--budget", "0.10")
    assert result.code == 2 and "over --budget" in result.err
    assert fake.stats()["generate_calls"] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["remix", "../../../../etc/passwd", "x"], "not a PNG, JPEG or WebP"),
        (["remix", "no-such-id-or-file", "x"], "neither a file nor an image id"),
        (["edit", "ffff", "x", "--mask", "/nonexistent.png"], "neither a file nor an image id"),
        (["reframe", "ffff"], "Missing option '--resolution'"),
        (["upscale", "ffff", "--resemblance", "500"], "neither a file|less than or equal"),
        (["describe", "x'; DROP TABLE images; --"], "neither a file nor an image id"),
        (["lineage", "<script>"], "no image"),
        (["reproduce", "zzzz"], "no image"),
    ],
)
def test_hostile_inputs_are_clear_errors(run, args: list[str], message: str) -> None:
    result = run(*args)
    assert result.code == 2, (result.code, result.err)
    assert "Traceback" not in result.err
    import re

    assert re.search(message, result.err), result.err


def test_key_never_printed_by_the_new_commands(run, tmp_path: Path) -> None:
    photo = image_file(tmp_path, "photo.png")
    outputs = [
        run("remix", str(photo), "x", "--json"),
        run("describe", str(photo), "--json"),
        run("remix", str(photo), "x", "--dry-run", "--json"),
    ]
    for result in outputs:
        assert API_KEY not in result.out + result.err
