"""ideovault.toml as hostile input: every number finite and in range, every section a table
of known keys, refused at load with the key and the file named — before anything is written
or sent. Hypothesis writes whole TOML documents of random values into each known key."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ideovault.config import load_settings
from ideovault.errors import UserError
from tests.hostile.conftest import Hostile, assert_nothing_lost
from tests.hostile.crafted import deep_toml

BAD_TOML = {
    "request_timeout = nan": "'request_timeout'",
    "request_timeout = inf": "'request_timeout'",
    "request_timeout = -1": "'request_timeout'",
    "request_timeout = 0": "'request_timeout'",
    "request_timeout = 1e9": "'request_timeout'",
    "request_timeout = true": "'request_timeout'",
    "request_timeout = '30'": "'request_timeout'",
    "link_ttl_seconds = inf": "'link_ttl_seconds'",
    "link_ttl_seconds = nan": "'link_ttl_seconds'",
    "link_ttl_seconds = -inf": "'link_ttl_seconds'",
    "download_workers = 2.5": "'download_workers'",
    "download_workers = 0": "'download_workers'",
    "download_workers = 100000": "'download_workers'",
    "max_retries = -1": "'max_retries'",
    "max_retries = nan": "'max_retries'",
    "retry_backoff = nan": "'retry_backoff'",
    "retry_backoff = 1e308": "'retry_backoff'",
    "async_timeout = nan": "'async_timeout'",
    "async_poll_interval = -1": "'async_poll_interval'",
    "dedupe = 3": "'dedupe'",
    "webhook_url = []": "'webhook_url'",
    "storage_url = 5": "'storage_url'",
    "budget = 3": "[budget] must be a table",
    "prices = 'cheap'": "[prices] must be a table",
    "limits = [1, 2]": "[limits] must be a table",
    "cleanup = 1": "[cleanup] must be a table",
    "ideovault = 'x'": "[ideovault] must be a table",
    "[budget]\ndaily_usd = nan": "[budget] daily_usd",
    "[budget]\ndaily_usd = -1": "[budget] daily_usd",
    "[budget]\nmonthly_usd = inf": "[budget] monthly_usd",
    "[budget]\nmonthly_usd = '5'": "[budget] monthly_usd",
    "[budget]\ndaily = 5": "unknown key(s) daily",
    "[prices]\nV_3 = -1.0": "[prices] V_3",
    "[prices]\nV_3 = 'abc'": "[prices] V_3",
    "[prices]\nV_3 = nan": "[prices] V_3",
    "[prices]\nV_3 = inf": "[prices] V_3",
    "[prices]\nV_3 = 1e308": "[prices] V_3",
    "[prices]\nV_3 = { TURBO = -0.01 }": "[prices] V_3.TURBO",
    "[prices]\nV_2 = { DEFAULT = 'x' }": "[prices] V_2.DEFAULT",
    "[prices]\nV_3 = true": "[prices] V_3",
    "[limits]\nmax_in_flight = -1": "[limits] max_in_flight",
    "[limits]\ncalls_per_minute = 1.5": "[limits] calls_per_minute",
    "[limits]\nmax_inflight = 3": "unknown key(s) max_inflight",
    "[cleanup]\npolicies = 3": "[cleanup.policies]",
    "[cleanup.policies]\ntidy = 3": "[cleanup.policies]",
    "[ideovault]\nrequest_timeout = nan": "'request_timeout'",
    "[ideovault]\nbase_url = 'ftp://x'": "'base_url'",
    "base_url = 'garbage'": "'base_url'",
    "public_base_url = 'http://[::1'": "'public_base_url'",
    deep_toml(100_000): "nested deeper than 64",
    deep_toml(65): "nested deeper than 64",
    "x = = 1": "not valid TOML",
    "\xff\xfe": "not valid TOML",
    "api_key = 'sk-123'": "must not hold the API key",
}


@pytest.mark.parametrize("text", sorted(BAD_TOML), ids=lambda t: t[:40])
def test_bad_values_are_refused_at_load_naming_key_and_file(tmp_path: Path, text: str) -> None:
    (tmp_path / "ideovault.toml").write_text(text, errors="surrogateescape")
    with pytest.raises(UserError) as caught:
        load_settings(tmp_path, env={})
    message = str(caught.value)
    assert BAD_TOML[text] in message
    if "API key" not in message:
        assert "ideovault.toml" in message


@pytest.mark.parametrize("text", sorted(BAD_TOML)[::4], ids=lambda t: t[:40])
def test_bad_config_writes_and_sends_nothing(hostile: Hostile, text: str) -> None:
    (hostile.home / "ideovault.toml").write_text(text, errors="surrogateescape")
    result = hostile.run("generate", "a fox", channel="TOML")
    assert result.code == 2
    (hostile.home / "ideovault.toml").write_text("")
    assert hostile.run("recover", channel="setup").err.strip().endswith("nothing to recover")
    assert hostile.run("list", "--json", channel="setup").out.strip() == "[]"


def test_a_negative_price_no_longer_slips_under_a_budget(hostile: Hostile) -> None:
    toml = "[prices]\nV_3 = -1.0\n[budget]\ndaily_usd = 0.01\n"
    (hostile.home / "ideovault.toml").write_text(toml)
    result = hostile.run("generate", "a fox", channel="TOML")
    assert result.code == 2 and "$-" not in result.err


def test_a_price_table_for_a_flat_model_is_used(hostile: Hostile) -> None:
    (hostile.home / "ideovault.toml").write_text("[prices]\nV_2 = { DEFAULT = 0.5 }\n")
    result = hostile.run("generate", "a fox", "-m", "V_2", "--dry-run", channel="TOML")
    assert result.code == 0 and "$0.50" in result.err


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    key=st.sampled_from(
        [
            "request_timeout",
            "link_ttl_seconds",
            "download_workers",
            "max_retries",
            "retry_backoff",
            "async_timeout",
            "async_poll_interval",
            "budget.daily_usd",
            "budget.monthly_usd",
            "prices.V_3",
            "prices.V_2",
            "limits.max_in_flight",
            "limits.calls_per_minute",
        ]
    ),
    value=st.one_of(
        st.floats(),
        st.integers(min_value=-(2**63), max_value=2**63 - 1),
        st.booleans(),
        st.text(max_size=10),
        st.lists(st.integers(), max_size=2),
    ),
)
def test_fuzzed_values_load_or_are_refused_cleanly(
    hostile: Hostile, key: str, value: object
) -> None:
    section, _, name = key.rpartition(".")
    literal = _toml_literal(value)
    text = (f"[{section}]\n" if section else "") + f"{name} = {literal}\n"
    (hostile.home / "ideovault.toml").write_text(text)
    result = hostile.run("generate", "a fox", "--dry-run", channel="TOML")
    if isinstance(value, float) and not math.isfinite(value):
        assert result.code == 2


def _toml_literal(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return (
            "nan"
            if math.isnan(value)
            else ("inf" if value > 0 else "-inf")
            if math.isinf(value)
            else repr(value)
        )
    if isinstance(value, str):
        return '"' + value.encode("unicode_escape").decode().replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def test_stored_images_survive(hostile: Hostile, stored: list[dict[str, str]]) -> None:
    for text in list(BAD_TOML)[:10]:
        (hostile.home / "ideovault.toml").write_text(text)
        hostile.run("generate", "a fox", channel="TOML")
    (hostile.home / "ideovault.toml").write_text("retry_backoff = 0.01\n")
    assert_nothing_lost(hostile, stored)
