"""`ideovault batch` from the command line: JSON contract, exit codes, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import API_KEY


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_batch_file_runs_and_reports_as_json(run, tmp_path: Path, fake) -> None:
    path = write_jsonl(tmp_path / "b.jsonl", [
        {"prompt": "cli one", "tags": ["cli"]}, {"prompt": "cli two", "repeat": 2},
    ])  # fmt: skip
    res = run("batch", str(path), "--json", "--concurrency", "2")
    assert res.code == 0, res.err
    report = json.loads(res.out)
    assert report["batch"]["counts"]["items"] == {"done": 3}
    assert report["run"]["images_stored"] == 3
    job = report["batch"]["id"]
    status = json.loads(run("batch", "status", job[:13], "--json").out)
    assert status["finished"] and status["counts"]["images"] == {"stored": 3}
    listed = json.loads(run("batch", "list", "--json").out)
    assert [b["id"] for b in listed] == [job]
    assert API_KEY not in res.out + res.err


def test_human_output_and_dry_run(run, tmp_path: Path, fake) -> None:
    path = tmp_path / "b.csv"
    path.write_text("prompt,num_images,speed\r\nposter,2,TURBO\r\n")
    res = run("batch", str(path), "--dry-run")
    assert res.code == 0 and "2 image(s), about $0.06" in res.err and "nothing sent" in res.err
    assert fake.stats()["generate_calls"] == 0
    res = run("batch", str(path))
    assert res.code == 0, res.err
    assert "2 stored" in res.err


def test_invalid_files_exit_2_with_line_numbers_and_no_traceback(run, tmp_path: Path, fake) -> None:
    path = tmp_path / "b.jsonl"
    path.write_bytes(b'{"prompt": "ok"}\r\n{"prompt": "x", "sede": 1}\r\nnot json\r\n')
    res = run("batch", str(path))
    assert res.code == 2
    assert "line 2: unknown field 'sede'" in res.err and "line 3: not valid JSON" in res.err
    assert "Traceback" not in res.err and fake.stats()["generate_calls"] == 0
    res = run("batch", str(path), "--json")
    assert res.code == 2 and [e["line"] for e in json.loads(res.out)["errors"]] == [2, 3]
    res = run("batch", str(path), "--skip-invalid", "--json")
    assert res.code == 0, res.err
    assert json.loads(res.out)["batch"]["counts"]["items"] == {"done": 1}
    for args in (["batch", str(tmp_path / "nope.csv")], ["batch", "status", "zzz"]):
        res = run(*args)
        assert res.code == 2 and "Traceback" not in res.err


def test_cancel_then_resume(run, tmp_path: Path, fake) -> None:
    path = write_jsonl(tmp_path / "b.jsonl", [{"prompt": f"later {i}"} for i in range(4)])
    res = run("batch", str(path), "--queue-only", "--json")
    job = json.loads(res.out)["batch"]["id"]
    res = run("batch", "cancel", job, "--json")
    assert json.loads(res.out)["cancelled_items"] == 4
    assert json.loads(run("batch", "status", job, "--json").out)["counts"]["items"] == {
        "cancelled": 4
    }
    res = run("batch", "resume", job, "--json")
    assert res.code == 0, res.err
    assert json.loads(res.out)["batch"]["counts"]["items"] == {"done": 4}


def test_worker_refuses_sqlite(run, cli_env) -> None:
    if not cli_env["IDEOVAULT_DATABASE_URL"].startswith("sqlite"):
        return
    res = run("worker", "--until-idle")
    assert res.code == 2 and "PostgreSQL" in res.err
