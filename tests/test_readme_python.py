"""The README's Python example runs as written, against the fake API (so the names it shows,
the public surface, cannot drift from the code without this failing)."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from ideogram_fake import FakeServer
from tests.conftest import TEST_API_KEY

README = Path(__file__).resolve().parents[1] / "README.md"


def python_example() -> str:
    section = README.read_text().split("### Python\n", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "the README's Python section has no example"
    return match.group(1)


def test_the_readme_example_runs(
    fake: FakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("IDEOGRAM_API_KEY", TEST_API_KEY)
    monkeypatch.setenv("IDEOGRAM_BASE_URL", fake.base_url)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(python_example(), "README.md", "exec"), {})
    printed = out.getvalue().splitlines()
    assert len([line for line in printed if " stored " in line]) == 2  # the two generated
    assert printed[-1] == "True"  # verify found every file whole
    assert (tmp_path / "my-vault").is_dir()
