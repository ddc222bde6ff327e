"""The CLI contract: JSON on stdout, messages on stderr, exit codes 0/1/2, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import API_KEY


def test_generate_json_prints_every_record(run, fake) -> None:
    res = run("generate", "a red fox UNSAFE_IMAGE", "-n", "3", "--aspect", "16:9", "--json")
    assert res.code == 0, res.err
    records = json.loads(res.out)
    assert [r["status"] for r in records] == ["stored", "stored", "unsafe"]
    assert all(r["aspect_ratio"] == "16x9" for r in records)
    assert Path(records[0]["local_path"]).is_file()


def test_show_and_list_by_prefix(run) -> None:
    res = run("generate", "lighthouse", "--seed", "5", "--tag", "sea", "--json")
    (record,) = json.loads(res.out)
    shown = run("show", record["id"][:10], "--json")
    assert shown.code == 0 and json.loads(shown.out)["id"] == record["id"]
    listed = run("list", "--json")
    assert [r["id"] for r in json.loads(listed.out)] == [record["id"]]
    human = run("list")
    assert human.code == 0 and "lighthouse" in human.out


def test_show_unknown_id_is_a_clear_error(run) -> None:
    res = run("show", "ffffffff")
    assert res.code == 2
    assert "ffffffff" in res.err and "Traceback" not in res.err


LONG = "x" * 10_001

HOSTILE = [
    ("empty prompt", ["generate", ""], 2),
    ("too long prompt", ["generate", LONG], 2),
    ("bad model", ["generate", "fox", "--model", "V_9"], 2),
    ("bad style", ["generate", "fox", "--style", "<script>"], 2),
    ("bad aspect", ["generate", "fox", "--aspect", "7x5"], 2),
    ("bad resolution", ["generate", "fox", "--resolution", "../../etc"], 2),
    ("negative seed", ["generate", "fox", "--seed", "-1"], 2),
    ("huge seed", ["generate", "fox", "--seed", "99999999999999999999"], 2),
    ("seed not a number", ["generate", "fox", "--seed", "1; DROP TABLE images"], 2),
    ("zero images", ["generate", "fox", "--num-images", "0"], 2),
    ("99 images", ["generate", "fox", "--num-images", "99"], 2),
    ("bad magic", ["generate", "fox", "--magic-prompt", "MAYBE"], 2),
    ("bad speed", ["generate", "fox", "--speed", "WARP"], 2),
    ("empty tag", ["generate", "fox", "--tag", ""], 2),
    ("control char tag", ["generate", "fox", "--tag", "a\x07b"], 2),
    ("bad palette", ["generate", "fox", "--palette", "NEON"], 2),
    ("bad style code", ["generate", "fox", "--style-code", "ZZZZ"], 2),
    (
        "aspect and resolution",
        ["generate", "fox", "--aspect", "1x1", "--resolution", "1024x1024"],
        2,
    ),
    ("list bad limit", ["list", "--limit", "0"], 2),
    ("list bad status", ["list", "--status", "gone"], 2),
    ("show sql", ["show", "'; DROP TABLE images; --"], 2),
    ("show traversal", ["show", "../../etc/passwd"], 2),
    ("unknown command", ["explode"], 2),
]


@pytest.mark.parametrize(
    "args,code", [(a, c) for _, a, c in HOSTILE], ids=[n for n, _, _ in HOSTILE]
)
def test_hostile_arguments_are_clear_errors(run, fake, args: list[str], code: int) -> None:
    res = run(*args)
    assert res.code == code, (res.out, res.err)
    assert "Traceback" not in res.err and "Traceback" not in res.out
    assert res.err.strip(), "a failure must say what went wrong"
    assert fake.stats()["generate_calls"] == 0


@pytest.mark.parametrize(
    "prompt",
    [
        "<script>alert(1)</script> fox",
        "'; DROP TABLE images; -- %_",
        "emoji 🦊 and ünïcödé and [bold]rich markup[/bold]",
        "y" * 10_000,
    ],
)
def test_hostile_prompts_are_stored_exactly(run, prompt: str) -> None:
    res = run("generate", prompt, "--magic-prompt", "OFF", "--json")
    assert res.code == 0, res.err
    (record,) = json.loads(res.out)
    assert record["prompt"] == prompt
    shown = json.loads(run("show", record["id"], "--json").out)
    assert shown["prompt"] == prompt


def test_invalid_utf8_argument_is_rejected(run_process, fake) -> None:
    res = run_process("generate", b"caf\xe9 \xff fox")
    assert res.code == 2, res.err
    assert "UTF-8" in res.err and "Traceback" not in res.err
    assert fake.stats()["generate_calls"] == 0


def test_missing_key_is_usage_error(run, monkeypatch: pytest.MonkeyPatch, fake) -> None:
    monkeypatch.delenv("IDEOGRAM_API_KEY")
    res = run("generate", "fox")
    assert res.code == 2 and "IDEOGRAM_API_KEY" in res.err
    assert fake.stats()["generate_calls"] == 0


def test_rejected_key_is_never_printed(run, monkeypatch: pytest.MonkeyPatch) -> None:
    wrong = "sk-wrong-key-Hx71-do-not-echo"
    monkeypatch.setenv("IDEOGRAM_API_KEY", wrong)
    res = run("generate", "fox", "--json")
    assert res.code == 1
    assert wrong not in res.err and wrong not in res.out
    assert "rejected" in res.err.lower()


def test_key_appears_in_no_output_or_file(run, cli_env) -> None:
    outputs = [
        run("generate", "secret check", "-n", "2", "--json"),
        run("list"),
        run("list", "--json"),
        run("recover", "--json"),
    ]
    for res in outputs:
        assert API_KEY not in res.out and API_KEY not in res.err
    for path in Path(cli_env["IDEOVAULT_HOME"]).rglob("*"):
        if path.is_file():
            assert API_KEY.encode() not in path.read_bytes(), path


def test_debug_logs_never_contain_the_key(run_process) -> None:
    res = run_process(
        "generate", "logged run", "-n", "2", "--json", env={"IDEOVAULT_LOG_LEVEL": "DEBUG"}
    )
    assert res.code == 0, res.err
    assert "POST /v1/ideogram-v3/generate" in res.err  # the debug log did run
    assert API_KEY not in res.err and API_KEY not in res.out


def test_url_command(run, monkeypatch: pytest.MonkeyPatch) -> None:
    (record,) = json.loads(run("generate", "link me", "--json").out)
    res = run("url", record["id"])
    assert res.code == 2 and "cannot sign URLs" in res.err
    monkeypatch.setenv("IDEOVAULT_PUBLIC_BASE_URL", "https://cdn.example.com/")
    res = run("url", record["id"], "--json")
    assert res.code == 0
    assert json.loads(res.out)["url"].startswith("https://cdn.example.com/images/")
    assert json.loads(run("show", record["id"], "--json").out)["public_url"].endswith(".png")
    assert run("url", record["id"], "--expires", "soon").code == 2


def test_dry_run_dedupe_and_budget_flags(run, fake) -> None:
    res = run("generate", "quote me", "-n", "2", "--model", "V_2", "--dry-run", "--json")
    assert res.code == 0 and json.loads(res.out)["estimated_usd"] == 0.16
    assert "nothing sent" in run("generate", "quote me", "--dry-run").err
    assert fake.stats()["generate_calls"] == 0
    first = json.loads(run("generate", "again", "--seed", "3", "--json").out)
    repeat = run("generate", "again", "--seed", "3", "--json")
    assert json.loads(repeat.out) == first and "already in the vault" in repeat.err
    run("generate", "again", "--seed", "3", "--force")
    assert fake.stats()["generate_calls"] == 2
    res = run("generate", "too dear", "--model", "V_2", "-n", "4", "--budget", "0.1")
    assert res.code == 2 and "over --budget" in res.err
    assert run("generate", "x", "--dedupe", "maybe").code == 2
