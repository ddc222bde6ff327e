"""The hostile suite: odd and crafted inputs on every channel (argv, files, folders, JSON,
TOML, environment, the disk), run through the real CLI in-process against the fake API.

Every run is checked the same way (:func:`check`): an exit code of 0, 1 or 2, no traceback,
no "internal error", and no hang (an alarm stops a run that takes too long). A module-wide
vault holds images stored before the attack; :func:`assert_nothing_lost` proves they are
still there, whole, afterwards.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import click
import pytest
import typer

import ideovault.cli
from ideogram_fake import FakeServer
from ideovault.cli import main
from tests.conftest import TEST_API_KEY

RUN_TIMEOUT = 60.0  # seconds; far above any run here, so only a hang trips it

# How many hostile inputs each channel got, for the report at the end of the run.
INPUTS: Counter[str] = Counter()


@dataclass
class Result:
    code: int
    out: str
    err: str


class Hang(Exception):
    pass


def _alarm(_signum: int, _frame: FrameType | None) -> None:
    raise Hang(f"the command ran for more than {RUN_TIMEOUT} s")


@contextlib.contextmanager
def deadline(seconds: float = RUN_TIMEOUT) -> Iterator[None]:
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def check(result: Result, allowed: tuple[int, ...] = (0, 1, 2)) -> Result:
    text = result.out + result.err
    assert "Traceback" not in text, text
    assert "internal error" not in text, text
    assert result.code in allowed, (result.code, text)
    assert TEST_API_KEY not in text
    return result


@pytest.fixture(scope="session")
def click_command() -> click.Command:
    """Typer rebuilds its Click command on every call (about 0.5 s here, longer than most
    runs); the suite builds it once and lets ``main`` call that, which is what Typer does."""
    return typer.main.get_command(ideovault.cli.command_line())


@dataclass
class Hostile:
    """Runs the CLI in-process in a prepared environment and checks every run."""

    home: Path
    env: dict[str, str]
    capsys: pytest.CaptureFixture[str]
    monkeypatch: pytest.MonkeyPatch
    command: click.Command

    def run(
        self, *args: str, channel: str, env: dict[str, str | None] | None = None,
        allowed: tuple[int, ...] = (0, 1, 2),
    ) -> Result:  # fmt: skip
        INPUTS[channel] += 1
        with self.monkeypatch.context() as patch:
            patch.setattr(ideovault.cli, "command_line", lambda: self.command)
            for name, value in (env or {}).items():
                if value is None:
                    patch.delenv(name, raising=False)
                else:
                    patch.setenv(name, value)
            self.capsys.readouterr()
            try:
                with deadline():
                    main(list(args))
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
        captured = self.capsys.readouterr()
        return check(Result(code, captured.out, captured.err), allowed)


@pytest.fixture(scope="session")
def migrated_catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty catalog, migrated once: each test copies it instead of running Alembic."""
    from ideovault.catalog import Catalog

    path = tmp_path_factory.mktemp("template") / "catalog.db"
    Catalog.open(f"sqlite:///{path}").close()
    return path


@pytest.fixture
def hostile(
    tmp_path: Path, fake: FakeServer, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], migrated_catalog: Path, click_command: click.Command,
) -> Hostile:  # fmt: skip
    monkeypatch.chdir(tmp_path)  # relative paths given as hostile input land here
    home = tmp_path / "home"
    home.mkdir()
    shutil.copyfile(migrated_catalog, home / "catalog.db")
    (home / "ideovault.toml").write_text("retry_backoff = 0.01\n")
    env = {
        "IDEOVAULT_HOME": str(home),
        "IDEOGRAM_API_KEY": TEST_API_KEY,
        "IDEOGRAM_BASE_URL": fake.base_url,
        "COLUMNS": "200",
    }
    for name in (
        "IDEOVAULT_STORAGE_URL", "IDEOVAULT_PUBLIC_BASE_URL", "IDEOVAULT_DATABASE_URL",
        "IDEOVAULT_LOG_LEVEL", "IDEOVAULT_DEBUG", "IDEOVAULT_TOKEN",
    ):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Hostile(home, env, capsys, monkeypatch, click_command)


@pytest.fixture
def stored(hostile: Hostile) -> list[dict[str, str]]:
    """Two images stored before the attack: their ids and sha256."""
    import json

    result = hostile.run("generate", "a calm lake", "-n", "2", "--json", channel="setup")
    assert result.code == 0, result.err
    return [{"id": r["id"], "sha256": r["sha256"]} for r in json.loads(result.out)]


def assert_nothing_lost(hostile: Hostile, before: list[dict[str, str]]) -> None:
    import json

    for image in before:
        shown = hostile.run("show", image["id"], "--json", channel="setup")
        assert shown.code == 0, shown.err
        record = json.loads(shown.out)
        assert (record["status"], record["sha256"]) == ("stored", image["sha256"])
    verified = hostile.run("verify", "--json", channel="setup")
    assert verified.code == 0, verified.out + verified.err


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if INPUTS:
        counts = ", ".join(f"{k} {v}" for k, v in sorted(INPUTS.items()) if k != "setup")
        terminalreporter.write_line(f"hostile inputs by channel: {counts}")
