"""The environment as hostile input: API roots and keys that cannot go on the wire, homes,
catalogs and stores that are not what they claim, unknown log levels. Each is refused before
any row is written, so nothing is ever recorded as "possibly charged" when nothing was sent."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ideovault.api.client import IdeogramClient
from ideovault.api.errors import ConnectFailed
from ideovault.api.params import parse_params
from tests.hostile.conftest import Hostile, assert_nothing_lost

BAD_BASE_URLS = [
    "garbage",
    "ftp://x",
    "http://[::1",
    "http://127.0.0.1:1\n",
    " http://127.0.0.1:1",
    "http://",
    "https://:80",
    "http://host:99999",
    "http://host:port",
    "file:///etc/passwd",
    "javascript:alert(1)",
    "http://a b",
    "http://x\r\nHost: evil",
    "http://\x01",
    "//host",
]
BAD_KEYS = [
    "sk a b",
    "sk\r\nb",
    "ключ",
    "sk-zz9\n",
    "\tsk-zz9",
    "sk\x01y",
    "sk\x7fy",
    "x" * 600,
    "🔑",
]


@pytest.mark.parametrize("url", BAD_BASE_URLS, ids=repr)
def test_a_malformed_api_root_is_refused_and_nothing_is_recorded(
    hostile: Hostile, url: str
) -> None:
    result = hostile.run("generate", "a fox", channel="environment", env={"IDEOGRAM_BASE_URL": url})
    assert result.code == 2 and "IDEOGRAM_BASE_URL" in result.err
    assert "charged" not in result.err
    recovered = hostile.run("recover", channel="setup")
    assert recovered.err.strip().endswith("nothing to recover")


@pytest.mark.parametrize("key", BAD_KEYS, ids=repr)
def test_a_key_that_cannot_be_a_header_is_refused_and_never_shown(
    hostile: Hostile, key: str
) -> None:
    result = hostile.run("generate", "a fox", channel="environment", env={"IDEOGRAM_API_KEY": key})
    assert result.code == 2 and "IDEOGRAM_API_KEY" in result.err
    assert key.strip() not in result.err
    assert hostile.run("recover", channel="setup").err.strip().endswith("nothing to recover")


def test_the_client_calls_an_unsendable_request_not_sent(hostile: Hostile) -> None:
    """Defence in depth: built directly (no settings), httpx refuses before sending; that is
    'not sent' (billed no), never 'may have been charged'."""
    request = parse_params(prompt="a fox")
    for base, key in (
        ("ftp://x", "good-key-123"),
        (hostile.env["IDEOGRAM_BASE_URL"], "a\r\nb"),
        (hostile.env["IDEOGRAM_BASE_URL"], "ключ"),
    ):
        with (
            IdeogramClient(key, base, max_retries=0) as client,
            pytest.raises(ConnectFailed) as caught,
        ):
            client.generate(request)
        assert caught.value.billed == "no" and "nothing left" in str(caught.value)


@pytest.mark.parametrize(
    "what",
    [
        "home-is-file",
        "db-is-text",
        "db-in-file",
        "db-garbage",
        "db-scheme",
        "store-is-file",
        "store-scheme",
        "store-in-file",
        "log-level",
    ],
)
def test_places_that_are_not_what_they_claim(hostile: Hostile, tmp_path: Path, what: str) -> None:
    text = tmp_path / "a-file"
    text.write_bytes(b"not a database, " * 512)
    env = {
        "home-is-file": {"IDEOVAULT_HOME": str(text)},
        "db-is-text": {"IDEOVAULT_DATABASE_URL": f"sqlite:///{text}"},
        "db-in-file": {"IDEOVAULT_DATABASE_URL": f"sqlite:///{text}/catalog.db"},
        "db-garbage": {"IDEOVAULT_DATABASE_URL": "garbage"},
        "db-scheme": {"IDEOVAULT_DATABASE_URL": "nosuchdb://x/y"},
        "store-is-file": {"IDEOVAULT_STORAGE_URL": str(text)},
        "store-scheme": {"IDEOVAULT_STORAGE_URL": "ftp://x/y"},
        "store-in-file": {"IDEOVAULT_STORAGE_URL": str(text / "blobs")},
        "log-level": {"IDEOVAULT_LOG_LEVEL": "loud"},
    }[what]
    for command in (("list",), ("generate", "a fox"), ("verify",)):
        result = hostile.run(*command, channel="environment", env=dict(env))
        assert result.code in (1, 2), result
        assert result.err.startswith("error:")
    assert text.read_bytes() == b"not a database, " * 512  # never overwritten


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    name=st.sampled_from(
        [
            "IDEOGRAM_BASE_URL",
            "IDEOGRAM_API_KEY",
            "IDEOVAULT_LOG_LEVEL",
            "IDEOVAULT_PUBLIC_BASE_URL",
            "IDEOVAULT_DATABASE_URL",
        ]
    ),
    value=st.text(
        st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), min_size=1, max_size=40
    ),
)
def test_fuzzed_environment_values(hostile: Hostile, name: str, value: str) -> None:
    hostile.run("generate", "a fox", "--dry-run", channel="environment", env={name: value})


@pytest.mark.parametrize(
    "env",
    [{"IDEOVAULT_LOG_LEVEL": "loud"}, {"IDEOGRAM_BASE_URL": "x\n"}, {"IDEOGRAM_API_KEY": "ключ"}],
)
def test_a_real_process_with_bad_environment_exits_cleanly(
    hostile: Hostile, env: dict[str, str]
) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "ideovault", "generate", "a fox"],
        env={**_process_env(hostile), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stderr.startswith("error:")


def _process_env(hostile: Hostile) -> dict[str, str]:
    import os

    return {**os.environ, **hostile.env}


def test_stored_images_survive(hostile: Hostile, stored: list[dict[str, str]]) -> None:
    for url in BAD_BASE_URLS:
        hostile.run("generate", "a fox", channel="environment", env={"IDEOGRAM_BASE_URL": url})
    assert_nothing_lost(hostile, stored)
