"""The shared check on user text: every control character but newline and tab is refused,
the Unicode line separators too, in every channel that stores text (prompts, V4 JSON prompt
fields, tags)."""

from __future__ import annotations

import pytest

from ideovault.api.params import parse_params
from ideovault.api.text import check_text, has_control
from ideovault.errors import UserError
from ideovault.vault.tags import normalize_tag

REFUSED = ["\r", "\x85", "\u2028", "\u2029", "\x00", "\x1b[31m", "\x9b31m", "\x7f", "\x0b",
           "\x0c", "\x1c", "\x80", "\x9f", "\x07"]  # fmt: skip
ALLOWED = ["\n", "\t", "é", "日本", "\u200d", "\u202e", "🦊", "\xa0", "\xad"]


@pytest.mark.parametrize("char", REFUSED)
def test_control_characters_are_refused_everywhere(char: str) -> None:
    assert has_control(f"a{char}b")
    with pytest.raises(ValueError, match="control characters"):
        check_text(f"a fox{char}", "the prompt")
    with pytest.raises(UserError, match="control characters"):
        parse_params(prompt=f"a fox{char}jumps")
    with pytest.raises(UserError, match="control characters"):
        parse_params(prompt="a fox", negative_prompt=f"no{char}cats", model="V_3")


@pytest.mark.parametrize("char", ["\x80", "\x9b", "\x1b", "\x00"])
def test_tags_refuse_control_characters(char: str) -> None:
    with pytest.raises(UserError, match="control characters"):
        normalize_tag(f"a{char}b")


@pytest.mark.parametrize("char", ALLOWED)
def test_newline_tab_and_ordinary_unicode_are_kept(char: str) -> None:
    assert not has_control(f"a{char}b")
    assert check_text(f"a{char}b", "the prompt") == f"a{char}b"
