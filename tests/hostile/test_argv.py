"""Command-line arguments as hostile input: every command, every option that takes a value,
fed odd text (control characters, NaN, huge and negative numbers, option look-alikes, very
long, other scripts) by hypothesis, plus a table of known-bad values per option. Each run is
checked by ``Hostile.run`` (exit 0/1/2, no traceback, no "internal error", no hang)."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hostile.conftest import Hostile, assert_nothing_lost

FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# X marks the hostile value. Commands that would call the API run with --dry-run where they
# have it; the rest run for real against the fake (so an accepted value is exercised too).
SLOTS: list[tuple[str, ...]] = [
    ("generate", "X", "--dry-run"),
    ("generate", "a fox", "--seed", "X", "--dry-run"),
    ("generate", "a fox", "-n", "X", "--dry-run"),
    ("generate", "a fox", "--aspect", "X", "--dry-run"),
    ("generate", "a fox", "--resolution", "X", "--dry-run"),
    ("generate", "a fox", "--model", "X", "--dry-run"),
    ("generate", "a fox", "--style", "X", "--dry-run"),
    ("generate", "a fox", "--negative", "X", "--dry-run"),
    ("generate", "a fox", "--tag", "X", "--dry-run"),
    ("generate", "a fox", "--budget", "X", "--dry-run"),
    ("generate", "a fox", "--palette", "X", "--dry-run"),
    ("generate", "a fox", "--style-code", "X", "--dry-run"),
    ("generate", "a fox", "--speed", "X", "--dry-run"),
    ("generate", "a fox", "--magic-prompt", "X", "--dry-run"),
    ("generate", "a fox", "--dedupe", "X", "--dry-run"),
    ("generate", "a fox", "--style-preset", "X", "--dry-run"),
    ("generate-transparent", "a fox", "--upscale", "X", "--dry-run"),
    ("list", "--limit", "X"),
    ("list", "--status", "X"),
    ("list", "--before", "X"),
    ("show", "X"),
    ("search", "X"),
    ("search", "fox", "--limit", "X"),
    ("search", "fox", "--after", "X"),
    ("search", "fox", "--format", "X"),
    ("tag", "X", "+poster"),
    ("star", "X"),
    ("unstar", "X"),
    ("rm", "X"),
    ("restore", "X"),
    ("purge", "--older-than", "X"),
    ("cleanup", "--older-than", "X", "--dry-run"),
    ("cleanup", "--max-total", "X", "--dry-run"),
    ("cleanup", "--max-count", "X", "--dry-run"),
    ("cleanup", "--policy", "X", "--dry-run"),
    ("url", "X"),
    ("similar", "X"),
    ("lineage", "X"),
    ("reproduce", "X"),
    ("describe", "X"),
    ("upscale", "X", "--dry-run"),
    ("remix", "X", "a fox", "--dry-run"),
    ("batch", "status", "X"),
    ("batch", "resume", "X"),
    ("batch", "cancel", "X"),
    ("batch", "X", "--dry-run"),
    ("magic-prompt", "a fox", "--aspect", "X"),
    ("storage", "migrate", "--to", "X"),
    ("rebuild", "--to", "X"),
]

KNOWN_BAD = [
    "",
    " ",
    "-",
    "--",
    "--help-me",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "-1",
    "0",
    "1e308",
    "99999999999999999999999",
    "-99999999999999999999",
    "0x10",
    "1_000",
    "\uff11\uff12",
    "٣",
    "\x1b[31mred\x1b[0m",
    "a\rb",
    "a\x85b",
    "a\x07b",
    "\u202eevil",
    "\ufeff",
    "'; DROP TABLE",
    '"',
    "\\",
    "../../etc/passwd",
    "/dev/zero",
    "/dev/stdin",
    "/",
    "x" * 10_000,
    "🦊" * 50,
    "%s%n",
    "{0}",
    "${HOME}",
    "$(id)",
    "tag:",
    "sort:",
    "after:",
    "before:9999999d",
]

hostile_text = st.one_of(
    st.sampled_from(KNOWN_BAD),
    st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=60),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats().map(str),
)


def _safe(slot: tuple[str, ...], value: str) -> bool:
    """Values this machine must not receive: a device read as an input (it never ends), or a
    store or catalog outside the test's folder (it would really be written there)."""
    if value.startswith("/dev/"):
        return False
    writes = slot[0] in ("storage", "rebuild")
    return not (writes and (value.startswith(("/", "~")) or ".." in value or ":" in value))


@pytest.mark.parametrize("slot", SLOTS, ids=lambda s: " ".join(s).replace("X", "?")[:40])
def test_known_bad_values_in_every_slot(hostile: Hostile, slot: tuple[str, ...]) -> None:
    for value in KNOWN_BAD:
        if not _safe(slot, value):
            continue
        hostile.run(*[value if a == "X" else a for a in slot], channel="argv")


@FUZZ
@given(slot=st.sampled_from(SLOTS), value=hostile_text)
def test_fuzzed_values_in_every_slot(hostile: Hostile, slot: tuple[str, ...], value: str) -> None:
    if not _safe(slot, value):
        return
    hostile.run(*[value if a == "X" else a for a in slot], channel="argv")


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "-0.01", "1e400"])
def test_budget_must_be_finite_and_not_negative(hostile: Hostile, value: str) -> None:
    for dry in ((), ("--dry-run",)):
        result = hostile.run("generate", "a fox", "--budget", value, *dry, channel="argv")
        assert result.code == 2 and "--budget" in result.err
    assert hostile.run("list", "--json", channel="setup").out.strip() == "[]"


@pytest.mark.parametrize("value", ["-1", "0", "1023", str(2**31)])
def test_serve_refuses_a_body_limit_that_refuses_everything(hostile: Hostile, value: str) -> None:
    result = hostile.run("serve", "--port", "0", "--max-body", value, channel="argv")
    assert result.code == 2 and "--max-body" in result.err


@pytest.mark.parametrize("value", ["garbage", "zz", "0193-", "'; --"])
def test_list_before_must_be_an_id(hostile: Hostile, value: str) -> None:
    result = hostile.run("list", "--before", value, channel="argv")
    assert result.code == 2 and ("--before" in result.err or "no image with id" in result.err)


def test_list_before_an_id_pages(hostile: Hostile, stored: list[dict[str, str]]) -> None:
    newest, older = sorted(stored, key=lambda r: r["id"], reverse=True)
    for bound in (newest["id"], newest["id"].upper().replace("-", "")):
        page = hostile.run("list", "--before", bound, "--json", channel="argv")
        assert [r["id"] for r in json.loads(page.out)] == [older["id"]]


def test_stored_images_survive(hostile: Hostile, stored: list[dict[str, str]]) -> None:
    for slot in SLOTS:
        for value in ("-1", "nan", "\x1b[2J", "x" * 5000):
            hostile.run(*[value if a == "X" else a for a in slot], channel="argv")
    assert_nothing_lost(hostile, stored)
