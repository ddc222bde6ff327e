"""The CLI on Ideogram 4.0: magic-prompt, generate --json-prompt, generate --async (with a
SIGKILL after the submit, then recover), describe --v4 — hostile input included."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ideovault.catalog import Catalog
from tests.conftest import TEST_API_KEY
from tests.images import image_bytes
from tests.waiting import wait_for

HOOK = "https://hooks.example.com/ideogram"
JSON_PROMPT: dict[str, Any] = {
    "high_level_description": "A lighthouse on a cliff at dusk.",
    "compositional_deconstruction": {"background": "a stormy violet sky", "elements": []},
}


@pytest.fixture
def fast_async(cli_env: dict[str, str]) -> None:
    toml = Path(cli_env["IDEOVAULT_HOME"]) / "ideovault.toml"
    toml.write_text(toml.read_text() + f'async_poll_interval = 0.05\nwebhook_url = "{HOOK}"\n')


def clean(res: Any) -> None:
    """No stack trace and never the key, whatever happened."""
    assert "Traceback" not in res.err and TEST_API_KEY not in res.out + res.err


def test_magic_prompt_then_generate_with_the_edited_file(run, tmp_path: Path) -> None:
    res = run("magic-prompt", "a red fox in snow", "--aspect", "16:9")
    assert res.code == 0, res.err
    prompt = json.loads(res.out)  # stdout is the JSON prompt alone
    assert prompt["high_level_description"].startswith("a red fox in snow")
    assert "16x9" in res.err
    prompt["compositional_deconstruction"]["background"] = "an edited aurora sky"
    path = tmp_path / "fox.json"
    path.write_text(json.dumps(prompt))
    gen = run("generate", "-m", "V_4", "--json-prompt", str(path), "--json")
    assert gen.code == 0, gen.err
    (record,) = json.loads(gen.out)
    assert record["prompt"] == prompt["high_level_description"]
    assert record["status"] == "stored"
    found = json.loads(run("search", "aurora", "--json").out)["results"]
    assert [r["id"] for r in found] == [record["id"]]
    whole = run("magic-prompt", "a cat", "--json")
    assert set(json.loads(whole.out)) == {"json_prompt", "aspect_ratio"}
    path.write_text(whole.out)  # the whole --json answer is accepted too
    assert run("generate", "-m", "V_4", "--json-prompt", str(path)).code == 0
    for res in (gen, whole):
        clean(res)


@pytest.mark.parametrize(
    ("args", "words"),
    [(("magic-prompt", "x", "--aspect", "5x1"), "not offered"),
     (("magic-prompt", " "), "needs a prompt"),
     (("generate",), "give a PROMPT"), (("generate", "-m", "V_4"), "give a PROMPT"),
     (("generate", "-m", "V_4", "--json-prompt", "/nonexistent.json"), "is not a file"),
     (("generate", "x", "--timeout", "3"), "go with --async"),
     (("describe", "nothing", "--tags"), "go with --v4")],
)  # fmt: skip
def test_usage_errors_exit_2(run, args: tuple[str, ...], words: str) -> None:
    res = run(*args)
    assert res.code == 2 and words in res.err, res.err
    clean(res)


@pytest.mark.parametrize(
    ("content", "words"),
    [(b"{not json", "not valid JSON"), (b"\xff\xfe{}", "not UTF-8"), (b"[1, 2]", "JSON object"),
     (b" " * (1024 * 1024 + 1), "over 1 MB"),
     (json.dumps({**JSON_PROMPT, "extra_field": 1}).encode(), "extra_field"),
     (json.dumps({"high_level_description": "x"}).encode(), "compositional_deconstruction"),
     (json.dumps({**JSON_PROMPT, "compositional_deconstruction": {
         "background": "b", "elements": [{"type": "obj", "desc": "d", "bbox": "0,0,1,1"}]}}
     ).encode(), "bbox")],
)  # fmt: skip
def test_hostile_json_prompt_files(run, tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "p.json"
    path.write_bytes(content)
    res = run("generate", "-m", "V_4", "--json-prompt", str(path))
    assert res.code == 2 and words in res.err, res.err
    clean(res)


def test_json_prompt_combinations(run, tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps(JSON_PROMPT))
    both = run("generate", "words", "-m", "V_4", "--json-prompt", str(path))
    assert both.code == 2 and "not both" in both.err
    v3 = run("generate", "--json-prompt", str(path))
    assert v3.code == 2 and "V_4" in v3.err
    html = {**JSON_PROMPT, "high_level_description": "<b>bold</b> [red]markup[/red] & 'quotes'"}
    path.write_text(json.dumps(html))
    res = run("generate", "-m", "V_4", "--json-prompt", str(path), "--json")
    assert res.code == 0 and json.loads(res.out)[0]["prompt"] == html["high_level_description"]


def test_async_generate_polls_and_stores(run, fast_async: None) -> None:
    res = run("generate", "a fox", "--async", "--seed", "4", "--json")
    assert res.code == 0, res.err
    (record,) = json.loads(res.out)
    assert record["model"] == "V_4" and record["status"] == "stored" and record["seed"] == 4
    clean(res)


def test_async_needs_a_webhook_url_and_v4(run) -> None:
    res = run("generate", "a fox", "--async")
    assert res.code == 2 and "webhook URL" in res.err
    res = run("generate", "a fox", "--async", "-m", "V_3", "--webhook-url", HOOK)
    assert res.code == 2 and "4.0" in res.err
    clean(res)


def test_async_timeout_then_recover(run, run_process, fast_async, fake) -> None:
    fake.inject("slow_async", seconds=600)  # held until the test releases it
    res = run_process("generate", "slow fox", "--async", "--timeout", "0.2")
    assert res.code == 1 and "ideovault recover" in res.err
    clean(res)
    assert fake.finish_async_jobs() == 1
    report = run("recover", "--json")
    assert report.code == 0, report.err
    (stored,) = json.loads(report.out)["stored"]
    assert stored["prompt"] == "slow fox" and stored["status"] == "stored"


@pytest.mark.slow
def test_sigkill_after_submit_then_recover_collects(run, cli_env, fast_async, fake) -> None:
    fake.inject("slow_async", seconds=600)
    proc = subprocess.Popen(
        [sys.executable, "-m", "ideovault", "generate", "killed fox", "--async", "--json"],
        env={**os.environ, **cli_env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip

    def saved_remote_id() -> str | None:
        assert proc.poll() is None, "generate finished before it could be killed"
        try:
            with Catalog.open(cli_env["IDEOVAULT_DATABASE_URL"]) as catalog:
                gens = catalog.generations.list()
        except Exception:  # the catalog is not created yet
            return None
        return gens[0].remote_id if gens else None

    try:
        wait_for(saved_remote_id, timeout=60, what="the async id being saved")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    early = run("recover", "--json")
    assert early.code == 1 and json.loads(early.out)["async_running"]
    assert fake.finish_async_jobs() == 1
    res = run("recover", "--json")
    report = json.loads(res.out)
    assert res.code == 0, res.err
    (stored,) = report["stored"]
    assert stored["prompt"] == "killed fox" and Path(stored["local_path"]).is_file()
    assert fake.stats()["calls_by_endpoint"]["/v1/ideogram-v4/async/generate"] == 1


def test_describe_v4_prints_and_keeps_a_json_prompt(run, tmp_path: Path) -> None:
    source = tmp_path / "in.png"
    source.write_bytes(image_bytes(40, 30))
    res = run("describe", str(source), "--v4", "--tags", "--no-bbox")
    assert res.code == 0, res.err
    prompt = json.loads(res.out)
    assert prompt["tags"] and "bbox" not in prompt["compositional_deconstruction"]["elements"][0]
    as_json = json.loads(run("describe", str(source), "--v4", "--json").out)
    assert as_json["json_prompt"]["high_level_description"]
    shown = json.loads(run("show", as_json["image_id"], "--json").out)
    assert [d.get("format") for d in shown["descriptions"]] == ["json_prompt", "json_prompt"]
    both = run("describe", str(source), "--v4", "--model-version", "V_3")
    assert both.code == 2 and "--v4 or --model-version" in both.err
    clean(res)
