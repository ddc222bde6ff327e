"""JSON from a user outside import: batch files (JSON Lines and CSV cells) and 4.0 JSON
prompts. Deep nesting is refused with the file (and line) named; odd documents of every shape
(hypothesis) never crash and never send anything while a row is invalid."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ideovault import nesting
from tests.hostile.conftest import Hostile, assert_nothing_lost
from tests.hostile.crafted import deep_json, deep_object

FUZZ = settings(
    max_examples=60, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = [
    "prompt", "seed", "num_images", "tags", "repeat", "aspect", "model", "style",
    "resolution", "negative_prompt", "color_palette", "style_codes", "magic_prompt",
]  # fmt: skip


def test_nesting_limit_is_exact() -> None:
    assert nesting.loads(deep_json(nesting.MAX_NESTING)) is not None
    with pytest.raises(nesting.TooDeep, match="deeper than 64 levels"):
        nesting.loads(deep_json(nesting.MAX_NESTING + 1))
    with pytest.raises(nesting.TooDeep):
        nesting.loads(deep_json(100_000))
    with pytest.raises(nesting.TooDeep):
        nesting.check({"a": json.loads(deep_object(200))})


@pytest.mark.parametrize("levels", [65, 1_000, 100_000])
@pytest.mark.parametrize("shape", ["array", "object"])
def test_deep_batch_line_is_refused_with_its_line(
    hostile: Hostile, tmp_path: Path, levels: int, shape: str
) -> None:
    deep = deep_json(levels) if shape == "array" else deep_object(levels)
    path = tmp_path / "jobs.jsonl"
    path.write_text('{"prompt": "a fox"}\n' + '{"prompt": "x", "tags": ' + deep + "}\n")
    result = hostile.run("batch", str(path), channel="batch JSON")
    assert result.code == 2
    assert "line 2" in result.err and "nested deeper than 64" in result.err
    assert str(path) in result.err
    assert hostile.run("batch", "list", "--json", channel="setup").out.strip() in ("[]", "")


@pytest.mark.parametrize("levels", [65, 100_000])
def test_deep_csv_palette_cell_is_refused(hostile: Hostile, tmp_path: Path, levels: int) -> None:
    path = tmp_path / "jobs.csv"
    cell = deep_object(levels).replace('"', '""')
    path.write_text(f'prompt,color_palette\na fox,"{cell}"\n')
    result = hostile.run("batch", str(path), "--dry-run", channel="batch JSON")
    assert result.code == 2 and "line 2" in result.err


@pytest.mark.parametrize("levels", [65, 1_000, 100_000])
@pytest.mark.parametrize("shape", ["array", "object"])
def test_deep_json_prompt_is_refused_naming_the_file(
    hostile: Hostile, tmp_path: Path, levels: int, shape: str
) -> None:
    path = tmp_path / "prompt.json"
    path.write_text(deep_json(levels) if shape == "array" else deep_object(levels))
    result = hostile.run("generate", "-m", "V_4", "--json-prompt", str(path), channel="JSON prompt")
    assert result.code == 2
    assert str(path) in result.err and "nested deeper than 64" in result.err


@FUZZ
@given(rows=st.lists(st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=5),
                     min_size=1, max_size=4))  # fmt: skip
def test_fuzzed_batch_rows_never_crash(
    hostile: Hostile, tmp_path: Path, rows: list[dict[str, object]]
) -> None:
    path = tmp_path / "fuzz.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    hostile.run("batch", str(path), "--dry-run", channel="batch JSON")


@FUZZ
@given(lines=st.lists(st.text(max_size=80), min_size=1, max_size=5))
def test_fuzzed_batch_text_never_crashes(
    hostile: Hostile, tmp_path: Path, lines: list[str]
) -> None:
    for suffix in (".jsonl", ".csv"):
        path = tmp_path / f"fuzz{suffix}"
        path.write_text("\n".join(lines), encoding="utf-8", errors="surrogateescape")
        hostile.run("batch", str(path), "--dry-run", channel="batch JSON")


@FUZZ
@given(doc=json_values)
def test_fuzzed_json_prompts_never_crash(hostile: Hostile, tmp_path: Path, doc: object) -> None:
    path = tmp_path / "prompt.json"
    path.write_text(json.dumps(doc))
    result = hostile.run(
        "generate", "-m", "V_4", "--json-prompt", str(path), "--dry-run", channel="JSON prompt"
    )
    assert result.code in (0, 2)


@pytest.mark.parametrize(
    "data",
    [b"", b"\xff\xfe{}", b"{", b'{"high_level_description": "\x00"}', b"[]", b"null", b"1e999",
     b'{"a": NaN}', b"\xef\xbb\xbf{}", b'"' + b"a" * 2_000_000 + b'"'],
    ids=["empty", "utf16", "open", "nul", "array", "null", "huge-number", "nan", "bom", "2MB"],
)  # fmt: skip
def test_odd_json_prompt_files(hostile: Hostile, tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "prompt.json"
    path.write_bytes(data)
    result = hostile.run("generate", "-m", "V_4", "--json-prompt", str(path), channel="JSON prompt")
    assert result.code == 2


def test_stored_images_survive(
    hostile: Hostile, stored: list[dict[str, str]], tmp_path: Path
) -> None:
    path = tmp_path / "jobs.jsonl"
    path.write_text('{"prompt": ' + deep_json(100_000) + "}\n")
    hostile.run("batch", str(path), channel="batch JSON")
    assert_nothing_lost(hostile, stored)
