"""`import` and `export` from the command line as a hostile user drives them: exit 2 for bad
input, 1 for a failed operation, never "internal error", never a hang, never a raw control
sequence printed to the terminal."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, update

from ideovault.catalog.schema import images
from tests.vault.seed_files import png, seed_folder, seed_record, write_generations


def clean(res) -> None:  # type: ignore[no-untyped-def]
    assert "internal error" not in res.err and "Traceback" not in res.err, res.err


def test_the_seeds_file_imports_and_exits_0(run, tmp_path: Path) -> None:
    folder = seed_folder(tmp_path)
    path = write_generations(folder, [seed_record(folder, n, f"seed {n}") for n in (1, 2, 3)])
    res = run("import", str(path))
    assert res.code == 0 and "imported 3 image(s), skipped 0" in res.err
    again = run("import", str(path), "--json")  # all already there: nothing new, not a failure
    assert again.code == 0 and json.loads(again.out)["refused"] == 0


def test_importing_nothing_from_a_non_empty_file_exits_1(run, tmp_path: Path) -> None:
    folder = seed_folder(tmp_path)
    records = [seed_record(folder, n, f"gone {n}", write=False) for n in (1, 2, 3)]
    res = run("import", str(write_generations(folder, records)))
    clean(res)
    assert res.code == 1 and "imported 0 image(s), skipped 3" in res.err
    assert "nothing was imported" in res.err
    as_json = run("import", str(folder / "generations.json"), "--json")
    assert as_json.code == 1 and json.loads(as_json.out)["refused"] == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[" * 100_000, "nests deeper"),
        (b"\xff\xfe\x00garbage", "not valid JSON"),
        (b"", "not valid JSON"),
        (b'"a string"', "no list of generation records"),
        (b'{"generations": 5}', "no list of generation records"),
        (b"[1, 2", "not valid JSON"),
    ],
)
def test_bad_generation_files_exit_2(run, tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "generations.json"
    path.write_bytes(content)
    res = run("import", str(path))
    clean(res)
    assert res.code == 2 and message in res.err


def test_a_fifo_never_blocks_import_or_batch(run_process, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)  # nobody writes to it: opening it blocking would wait for ever
    res = run_process("import", str(fifo), timeout=60)
    clean(res)
    assert res.code == 2 and "FIFO" in res.err
    res = run_process("batch", str(fifo), timeout=60)
    clean(res)
    assert res.code == 2 and "no valid rows" in res.err
    res = run_process("batch", "/dev/zero", timeout=60)
    assert res.code == 2 and "device" in res.err


def test_names_and_text_reach_the_terminal_without_control_sequences(
    run, cli_env, tmp_path: Path
) -> None:
    folder = tmp_path / "odd"
    folder.mkdir()
    (folder / "title\x1b]0;pwned\x07.png").write_bytes(b"\x89PNG\r\n\x1a\nbroken")
    (folder / "fine.png").write_bytes(png(9))
    res = run("import", str(folder))
    assert res.code == 0 and "\x1b" not in res.err and "\x07" not in res.err
    assert "title\\x1b]0;pwned\\x07.png" in res.err
    # An older catalog could hold such text: listing it shows the escapes, not their effect.
    engine = create_engine(cli_env["IDEOVAULT_DATABASE_URL"])
    with engine.begin() as conn:
        conn.execute(update(images).values(prompt="red \x1b[31m\x9b2J\u2028 alert"))
    engine.dispose()
    (image,) = json.loads(run("list", "--json").out)
    for args in (["list"], ["show", image["id"]], ["search", "red"]):
        shown = run(*args)
        assert "\x1b" not in shown.out and "\x9b" not in shown.out, args
        assert "\\x1b[31m" in shown.out, args
    raw = run("show", image["id"], "--json").out
    assert "\x9b" not in raw and "\\u009b" in raw and json.loads(raw)["prompt"].endswith("alert")


def test_export_destinations_are_checked(run, cli_env, tmp_path: Path) -> None:
    run("generate", "exported", "--seed", "1")
    notes = tmp_path / "notes.zip"
    notes.write_text("my notes, not an archive")
    res = run("export", "--to", str(notes))
    assert res.code == 2 and "--force" in res.err
    assert notes.read_text() == "my notes, not an archive"
    assert run("export", "--to", str(notes), "--force").code == 0
    assert notes.read_bytes().startswith(b"PK")
    empty = run("export", "--to", "")
    assert empty.code == 2 and "--to is empty" in empty.err
    store = Path(cli_env["IDEOVAULT_HOME"]) / "blobs"
    inside = run("export", "--to", str(store / "exports"))
    assert inside.code == 2 and "blob store" in inside.err and not (store / "exports").exists()
    assert run("export", "--to", str(store / "x.zip")).code == 2
    file = tmp_path / "plain.txt"
    file.write_text("keep")
    assert run("export", "--to", str(file)).code == 2 and file.read_text() == "keep"
    os.mkfifo(tmp_path / "pipe.zip")
    assert run("export", "--to", str(tmp_path / "pipe.zip"), "--force").code == 2
    assert run("export", "--to", str(tmp_path / "folder.zip")).code == 0
    (tmp_path / "dir.zip").mkdir()
    assert run("export", "--to", str(tmp_path / "dir.zip")).code == 2
    verified = run("verify", "--json")
    assert verified.code == 0 and json.loads(verified.out)["ok"] is True
