"""Hostile batch files: every problem is reported with the line a text editor shows."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest

from ideovault.errors import UserError
from ideovault.vault.batch_file import MAX_LINE_BYTES, Row, RowError, read_rows


def rows(path: Path, fmt: str | None = None) -> tuple[list[Row], list[RowError]]:
    good: list[Row] = []
    bad: list[RowError] = []
    for row in read_rows(path, fmt):
        (bad if isinstance(row, RowError) else good).append(row)  # type: ignore[arg-type]
    return good, bad


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        data = data.encode()
    path.write_bytes(data)
    return path


def test_jsonl_rows_with_every_kind_of_field(tmp_path: Path) -> None:
    path = write(tmp_path, "b.jsonl", "\n".join([
        json.dumps({"prompt": "a fox", "model": "v_3", "aspect": "16:9", "seed": 7,
                    "num_images": 2, "tags": ["Poster", "q1"], "repeat": 3}),
        "",
        json.dumps({"prompt": "a hen", "style_type": "DESIGN", "palette": "EMBER",
                    "speed": "turbo", "negative_prompt": "text"}),
        json.dumps({"prompt": "codes", "style_codes": ["deadbeef"], "tags": "a, b"}),
    ]))  # fmt: skip
    good, bad = rows(path)
    assert bad == []
    assert [r.line_no for r in good] == [1, 3, 4]
    first = good[0]
    assert (first.repeat, first.params.aspect_ratio, first.params.num_images) == (3, "16x9", 2)
    assert first.tags == ("poster", "q1")
    assert good[1].params.color_palette is not None
    assert good[1].params.rendering_speed == "TURBO"
    assert good[2].tags == ("a", "b") and good[2].params.style_codes == ("DEADBEEF",)


def test_bad_json_unknown_fields_and_wrong_types_name_their_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "b.jsonl", "\n".join([
        '{"prompt": "ok"}',
        '{"prompt": "broken",',
        '{"promt": "typo"}',
        '{"prompt": "x", "seed": "12"}',
        '{"prompt": "x", "seed": true}',
        '{"prompt": 5}',
        '["a list"]',
        '{"prompt": "x", "num_images": 99}',
        '{"prompt": "x", "repeat": 0}',
        '{"prompt": "x", "tags": [1, 2]}',
        '{"prompt": "x", "model": "V_9"}',
        '{"seed": 1}',
        '{"prompt": "<script>alert(1)</script>\'; DROP TABLE images;--"}',
        '{"prompt": "x", "tags": ["a,b"]}',
    ]))  # fmt: skip
    good, bad = rows(path)
    assert [r.line_no for r in good] == [1, 13]  # hostile text is only text
    by_line = {e.line_no: e.message for e in bad}
    assert "not valid JSON" in by_line[2]
    assert "did you mean 'prompt'" in by_line[3]
    assert "seed: must be a whole number, not a string" in by_line[4]
    assert "seed: must be a whole number, not true/false" in by_line[5]
    assert "prompt: must be text" in by_line[6]
    assert "JSON object, not a list" in by_line[7]
    assert "num_images" in by_line[8]
    assert "repeat" in by_line[9]
    assert "tags: must be a list of text" in by_line[10]
    assert "unknown model" in by_line[11]
    assert "prompt: missing" in by_line[12]
    assert "comma" in by_line[14]
    assert str(bad[0]).startswith("line 2: ")


def test_bom_and_crlf_keep_line_numbers(tmp_path: Path) -> None:
    text = '{"prompt": "one"}\r\n\r\n{"prompt": "two", "bad": 1}\r\n{"prompt": "three"}\r\n'
    good, bad = rows(write(tmp_path, "b.jsonl", b"\xef\xbb\xbf" + text.encode()))
    assert [r.line_no for r in good] == [1, 4]
    assert [e.line_no for e in bad] == [3]
    assert good[0].params.prompt == "one"

    csv_text = '\ufeffPrompt,Seed,Tags\r\nfirst,1,a;b\r\n"multi\r\nline",2,\r\nthird,x,\r\n'
    good, bad = rows(write(tmp_path, "b.csv", csv_text.encode()))
    assert [(r.line_no, r.params.seed) for r in good] == [(2, 1), (3, 2)]
    assert good[0].tags == ("a", "b")
    assert [(e.line_no, "whole number" in e.message) for e in bad] == [(5, True)]


def test_csv_header_problems_stop_before_any_row(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"line 1 \(the header\).*did you mean 'seed'"):
        list(read_rows(write(tmp_path, "a.csv", "prompt,sede\nx,1\n")))
    with pytest.raises(UserError, match="named twice"):
        list(read_rows(write(tmp_path, "b.csv", "prompt,Prompt\nx,y\n")))
    with pytest.raises(UserError, match="empty"):
        list(read_rows(write(tmp_path, "c.csv", "")))
    _, bad = rows(write(tmp_path, "d.csv", "prompt\nx,too,many\n"))
    assert bad[0].line_no == 2 and "cells" in bad[0].message


def test_unreadable_files_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="cannot read"):
        list(read_rows(tmp_path / "missing.jsonl"))
    with pytest.raises(UserError, match="is a folder"):
        list(read_rows(tmp_path))
    utf16 = write(tmp_path, "u.jsonl", '{"prompt": "x"}'.encode("utf-16"))
    with pytest.raises(UserError, match="UTF-16"):
        list(read_rows(utf16))
    with pytest.raises(UserError, match="--format"):
        list(read_rows(utf16, "xml"))


def test_invalid_utf8_and_control_characters_are_row_errors(tmp_path: Path) -> None:
    data = b'{"prompt": "ok"}\n{"prompt": "caf\xe9"}\n{"prompt": "bell\\u0007"}\n'
    good, bad = rows(write(tmp_path, "b.jsonl", data))
    assert [r.line_no for r in good] == [1]
    assert {e.line_no: e.message for e in bad}.keys() == {2, 3}
    assert "UTF-8" in bad[0].message and "control" in bad[1].message
    csv_data = b"prompt\ncaf\xe9\nfine\n"
    good, bad = rows(write(tmp_path, "b.csv", csv_data))
    assert [r.line_no for r in good] == [3] and bad[0].line_no == 2


def test_a_huge_line_costs_one_megabyte_and_one_error(tmp_path: Path) -> None:
    path = tmp_path / "huge.jsonl"
    with path.open("wb") as fh:
        fh.write(b'{"prompt": "before"}\n{"prompt": "')
        for _ in range(16):
            fh.write(b"x" * MAX_LINE_BYTES)
        fh.write(b'"}\n{"prompt": "after"}\n')
    tracemalloc.start()
    good, bad = rows(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [r.line_no for r in good] == [1, 3]
    assert bad[0].line_no == 2 and "longer than" in bad[0].message
    assert peak < 6 * MAX_LINE_BYTES  # the 16 MB line was never held whole


def test_100k_rows_stream_and_an_error_near_the_end_is_found(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    with path.open("w") as fh:
        for i in range(100_000):
            row = {"prompt": f"row {i}"} if i != 99_990 else {"prompt": f"row {i}", "x": 1}
            fh.write(json.dumps(row) + "\n")
    tracemalloc.start()
    count, errors = 0, []
    for row in read_rows(path):
        if isinstance(row, RowError):
            errors.append(row)
        else:
            count += 1
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert count == 99_999
    assert [e.line_no for e in errors] == [99_991]
    assert peak < 5_000_000  # rows are not held: a few MB at most, not 100k records
