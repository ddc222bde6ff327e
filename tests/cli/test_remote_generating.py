"""Generating through a real `ideovault serve` on loopback, with no Ideogram key on the client:
generate, the image operations (inputs as vault ids or the client's files, uploaded), dry runs,
describe, magic-prompt, reproduce and batch files print what the local CLI prints."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from ideovault.vault import Vault
from ideovault.web import WebSettings, create_app
from ideovault.web.serve import ServerThread
from tests.cli.remote_pair import Both, without_path
from tests.images import image_file

# What differs between two generations of the same request: who they are, who made them (the
# server's person, `local` on the server's machine) and when.
FRESH = {"creator", "id", "generation_id", "created_at", "stored_at", "updated_at", "blob_key",
         "stored_uri", "local_path", "original_url", "url_expires_at", "parent_id"}  # fmt: skip


def alike(data: Any) -> Any:
    if isinstance(data, list):
        return [alike(d) for d in data]
    if isinstance(data, dict):
        return {k: alike(v) for k, v in data.items() if k not in FRESH}
    return data


def test_generate_and_image_operations_as_locally(both: Both, tmp_path: Path) -> None:
    local = both.json("generate", "a red fox", "--seed", "4", "-t", "fox", "--json", remote=False)
    assert "IDEOGRAM_API_KEY" in os.environ
    # The same seeded request through the server is answered from the vault: the same records.
    reused = both.remote("generate", "a red fox", "--seed", "4", "-t", "fox", "--json")
    assert reused.code == 0
    assert without_path(json.loads(reused.out)) == without_path(local)
    assert "already in the vault" in reused.err
    forced = both.json("generate", "a red fox", "--seed", "4", "-t", "fox", "--force", "--json")
    assert alike(forced) == alike(local) and forced[0]["id"] != local[0]["id"]
    source = local[0]["id"]

    picture = image_file(tmp_path, "in.png", color="blue")
    for args in (("remix", source, "a blue fox", "--seed", "5"),
                 ("remix", str(picture), "a blue fox", "--seed", "5"),
                 ("upscale", source, "--seed", "6"),
                 ("replace-background", source, "a beach", "--seed", "7"),
                 ("remove-background", str(picture)),
                 ("layerize-text", source, "--seed", "3"),
                 ("instruct", "make it night", "-i", source, "-i", str(picture),
                  "--seed", "8")):  # fmt: skip
        quote = both.same(*args, "--dry-run", "--json")  # the server prices it as locally
        assert quote["estimated_usd"] > 0
        mine = both.json(*args, "--json", remote=False)
        theirs = both.json(*args, "--json", "--force")
        assert alike(theirs) == alike(mine), args
        assert theirs[0]["parent_id"] is not None and theirs[0]["local_path"] is None
    transparent = ("generate-transparent", "a glass", "--seed", "2", "--json")
    mine = both.json(*transparent, remote=False)
    assert alike(both.json(*transparent, "--force")) == alike(mine)
    edited = both.json("edit", str(picture), "paint a moon", "--mask", str(picture), "--json")
    parent = both.json("show", edited[0]["parent_id"], "--json", remote=False)
    assert parent["operation"] == "upload"  # the client's file, uploaded to the vault

    # Bad input is refused by the server's validation with the local exit code (2).
    for args in (("generate", "a cat", "--num-images", "99"),
                 ("remix", "no-such-file.png", "a dog"),
                 ("remix", str(tmp_path / "missing.png"), "a dog")):  # fmt: skip
        mine, theirs = both.local(*args), both.remote(*args)
        assert mine.code == theirs.code == 2, (args, theirs.err)
    assert str(tmp_path) not in both.remote("generate", "x", "--style-ref", "/etc/passwd").err


def test_describe_magic_prompt_reproduce_and_lineage(both: Both, tmp_path: Path) -> None:
    (made,) = both.json("generate", "a paper boat", "--seed", "9", "--json", remote=False)
    described = both.json("describe", made["id"], "--json")
    assert described["image_id"] == made["id"] and described["descriptions"]
    shown = both.json("show", made["id"], "--json", remote=False)
    assert without_path(described["image"]) == without_path(shown)
    from_file = both.json("describe", str(image_file(tmp_path, "d.png")), "--json")
    assert from_file["image"]["operation"] == "upload"
    assert both.same("magic-prompt", "a paper boat at dawn", "--json")["json_prompt"]
    again = both.json("reproduce", made["id"], "--json")
    assert again["original_id"] == made["id"] and again["reused"] is True
    forced = both.json("reproduce", made["id"], "--force", "--json")
    assert forced["reused"] is False and forced["identical"] is True
    tree = both.same("lineage", made["id"], "--json")
    assert forced["images"][0]["id"] in json.dumps(tree["descendants"])


def test_batch_file_runs_on_the_server_and_reads_as_locally(both: Both, tmp_path: Path) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"prompt": "a lighthouse", "num_images": 2}\n{"prompt": "a harbour"}\n')
    assert both.same("batch", str(rows), "--dry-run", "--json")["images"] == 3
    ran = both.json("batch", str(rows), "--json")
    assert ran["batch"]["finished"] and ran["run"]["images_stored"] == 3
    assert ran["batch"]["counts"]["items"] == {"done": 2}
    batch_id = ran["batch"]["id"]
    assert both.same("batch", "status", batch_id, "--json")["counts"]["images"] == {"stored": 3}
    assert both.same("batch", "list", "--json")[0]["id"] == batch_id
    assert len(both.same("search", "lighthouse", "--json")["results"]) == 2

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"prompt": "ok"}\n{"prompt": "x", "num_images": 99}\n')
    mine, theirs = both.local("batch", str(bad), "--json"), both.remote("batch", str(bad), "--json")
    assert mine.code == theirs.code == 2
    assert json.loads(theirs.out) == json.loads(mine.out)  # the same row errors, line numbers
    assert str(tmp_path) not in theirs.err.replace(str(bad), "")  # no path of the server's
    queued = both.json("batch", str(rows), "--queue-only", "--json")
    cancelled = both.json("batch", "cancel", queued["batch"]["id"], "--json")
    assert cancelled["cancelled_items"] == 2
    resumed = both.json("batch", "resume", queued["batch"]["id"], "--json")
    assert resumed["batch"]["finished"] and resumed["run"]["images_stored"] == 3


def test_budgets_decide_as_locally(
    run: Any, cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A dry run prices without a verdict, a send over the server's budget is refused (2)."""
    home = Path(cli_env["IDEOVAULT_HOME"])
    (home / "ideovault.toml").write_text("retry_backoff = 0.01\n[budget]\ndaily_usd = 0.01\n")
    with Vault.open() as vault, ServerThread(create_app(vault, WebSettings(port=0))) as running:
        pair = Both(run, running.url, monkeypatch)  # no users yet: loopback is the owner
        assert pair.same("generate", "a cat", "--dry-run", "--json")["estimated_usd"] > 0.01
        mine, theirs = pair.local("generate", "a cat"), pair.remote("generate", "a cat")
        assert mine.code == theirs.code == 2 and "daily budget" in theirs.err
        over = pair.remote("remix", "0" * 8, "a dog", "--budget", "0.001")
        assert over.code == 2
