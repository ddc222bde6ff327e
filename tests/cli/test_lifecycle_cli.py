"""rm / trash / restore / purge / verify through the CLI: exit codes and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


def test_rm_restore_purge_verify(run) -> None:
    res = run("generate", "short lived", "--seed", "1", "--json")
    (image,) = json.loads(res.out)
    assert run("rm", image["id"], "--json").code == 0
    assert json.loads(run("list", "--json").out) == []
    assert [r["id"] for r in json.loads(run("trash", "--json").out)] == [image["id"]]
    assert run("restore", image["id"]).code == 0
    assert len(json.loads(run("list", "--json").out)) == 1
    verified = run("verify", "--json")
    assert verified.code == 0 and json.loads(verified.out)["ok"] is True
    run("rm", image["id"])
    purged = json.loads(run("purge", "--all", "--json").out)
    assert purged["purged"] == [image["id"]] and purged["blobs_deleted"] == 1
    assert not Path(image["local_path"]).exists()


def test_verify_exits_1_and_names_the_damage(run) -> None:
    (image,) = json.loads(run("generate", "to be damaged", "--json").out)
    Path(image["local_path"]).write_bytes(b"garbage")
    res = run("verify")
    assert res.code == 1
    assert image["id"] in res.err and "corrupt" in res.err


@pytest.mark.parametrize(
    "args",
    [
        ["rm", "../../etc/passwd"],
        ["rm", "'; DROP TABLE images; --"],
        ["restore", "<script>"],
        ["purge"],
        ["purge", "--older-than", "soon"],
        ["purge", "--older-than", "-3d"],
    ],
)
def test_bad_lifecycle_input(run, args: list[str]) -> None:
    res = run(*args)
    assert res.code == 2, res.err
    assert "Traceback" not in res.err and res.err.strip()


def test_cleanup_dry_run_then_real(run, cli_env) -> None:
    for seed in ("1", "2", "3"):
        run("generate", f"cleanup candidate {seed}", "--seed", seed)
    (kept,) = json.loads(run("generate", "a keeper", "--tag", "final", "--json").out)
    plan = json.loads(run("cleanup", "--max-count", "1", "--keep-tag", "final", "--dry-run",
                          "--json").out)  # fmt: skip
    assert plan["dry_run"] is True and plan["images"] == 2 and plan["kept_protected"] == 1
    assert all(r["reasons"] == ["beyond the newest 1"] for r in plan["removals"])
    assert len(json.loads(run("list", "--json").out)) == 4  # nothing changed
    done = run("cleanup", "--max-count", "1", "--keep-tag", "final")
    assert done.code == 0 and "moved 2 image(s)" in done.err
    assert kept["id"] in [r["id"] for r in json.loads(run("list", "--json").out)]
    Path(cli_env["IDEOVAULT_HOME"], "ideovault.toml").write_text(
        'retry_backoff = 0.01\n[cleanup.policies.tidy]\nmax_count = 0\nkeep_tags = ["final"]\n'
    )
    res = json.loads(run("cleanup", "--policy", "tidy", "--dry-run", "--json").out)
    assert res["images"] == 1 and res["kept_protected"] == 1


@pytest.mark.parametrize(
    "args",
    [
        ["cleanup"],
        ["cleanup", "--older-than", "forever"],
        ["cleanup", "--max-total", "lots"],
        ["cleanup", "--max-count", "-1"],
        ["cleanup", "--status", "gone"],
        ["cleanup", "--policy", "nope"],
        ["cleanup", "--older-than", "3d", "--keep-tag", ""],
    ],
)
def test_bad_cleanup_input(run, args: list[str]) -> None:
    res = run(*args)
    assert res.code == 2, res.err
    assert "Traceback" not in res.err and res.err.strip()


def test_report_human_and_json(run) -> None:
    run("generate", "<b>report</b> me", "--tag", "poster", "--seed", "3")
    data = json.loads(run("report", "--json").out)
    assert data["total"]["images"] == 1 and data["by_tag"][0]["key"] == "poster"
    human = run("report")
    assert human.code == 0 and "by model" in human.out and "<b>report</b> me" in human.out


def test_export_and_import_cli(run, tmp_path: Path) -> None:
    run("generate", "portable", "--seed", "4", "--tag", "go")
    res = run("export", "tag:go", "--to", str(tmp_path / "out.zip"), "--json")
    assert res.code == 0 and json.loads(res.out)["exported"] == 1
    res = run("import", str(tmp_path / "out.zip"), "--json")
    assert res.code == 2 and "not valid JSON" in res.err  # a zip is not a generations file
    assert run("export", "--to", str(tmp_path / "missing" / "x.zip")).code == 2
    assert run("export", "tag:go", "--to", str(tmp_path / "dir"), "--embed-metadata").code == 0
    again = json.loads(run("import", str(tmp_path / "dir"), "--json").out)
    assert again["imported"] == [] and "already in the vault" in again["skipped"][0]


def test_cleanup_older_than_zero_is_a_rule_and_reasons_repeat_it(run) -> None:
    for seed in ("1", "2"):
        run("generate", f"zero-day candidate {seed}", "--seed", seed)
    run("generate", "a keeper", "--tag", "final")
    plan = json.loads(run("cleanup", "--older-than", "0d", "--keep-tag", "final", "--dry-run",
                          "--json").out)  # fmt: skip
    assert plan["images"] == 2 and plan["kept_protected"] == 1  # like cleanupOldAssets(0)
    assert {tuple(r["reasons"]) for r in plan["removals"]} == {("older than 0d",)}
    one_second = run("cleanup", "--older-than", "1s", "--dry-run", "--json")
    for removal in json.loads(one_second.out)["removals"]:
        assert removal["reasons"] == ["older than 1s"]  # the rule as given, not "0 days"
    done = run("cleanup", "--older-than", "0d", "--keep-tag", "final")
    assert done.code == 0 and "moved 2 image(s)" in done.err
    assert len(json.loads(run("list", "--json").out)) == 1


def test_restore_of_an_image_not_in_the_trash_says_so(run) -> None:
    (live,) = json.loads(run("generate", "never trashed", "--seed", "5", "--json").out)
    (gone,) = json.loads(run("generate", "trashed", "--seed", "6", "--json").out)
    run("rm", gone["id"])
    res = run("restore", live["id"])
    assert res.code == 2 and "not in the trash" in res.err and "restored 1" not in res.err
    both = run("restore", gone["id"], live["id"])
    assert both.code == 2 and "nothing was restored" in both.err
    assert [r["id"] for r in json.loads(run("trash", "--json").out)] == [gone["id"]]
    assert run("restore", gone["id"]).code == 0
