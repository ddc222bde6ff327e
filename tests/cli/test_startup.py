"""Start-up imports only what the command needs (issue 16, item 2).

Each check runs a fresh interpreter, because this test process has long imported everything.
"""

from __future__ import annotations

import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

import ideovault.cli as cli_package
from ideovault.cli import top_help
from ideovault.cli.app import app
from ideovault.cli.commands import COMMANDS

HEAVY = ["sqlalchemy", "alembic", "pydantic", "rich", "PIL", "numpy", "imagehash", "httpx",
         "fastapi", "starlette", "uvicorn", "jinja2", "cryptography"]  # fmt: skip

PROBE = """
import atexit, json, sys
from ideovault.cli import main
atexit.register(lambda: open(sys.argv[1], "w").write(json.dumps(sorted(sys.modules))))
main(sys.argv[2:])
"""


def loaded_modules(tmp_path: Path) -> set[str]:
    """Every module the last probed process imported."""
    return set(json.loads((tmp_path / "modules.json").read_text()))


def loaded_by(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> set[str]:
    """The top-level packages a whole `ideovault ARGS` process imported."""
    found = tmp_path / "modules.json"
    run = subprocess.run(
        [sys.executable, "-c", PROBE, str(found), *args],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    return {name.split(".")[0] for name in json.loads(found.read_text())}


def test_importing_the_cli_and_help_import_no_heavy_module(tmp_path: Path) -> None:
    loaded = loaded_by(tmp_path, "--help")
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_a_command_help_imports_only_its_own_module(tmp_path: Path) -> None:
    loaded = loaded_by(tmp_path, "search", "--help")
    heavy = set(HEAVY) - {"pydantic"}  # Typer itself coerces parameters with pydantic
    assert not loaded & heavy, sorted(loaded & heavy)
    assert "ideovault.cli.batch" not in loaded_modules(tmp_path)


def test_search_imports_the_catalog_but_not_images_web_http_or_migrations(
    tmp_path: Path,
) -> None:
    env = {
        "IDEOVAULT_HOME": str(tmp_path / "home"),
        "IDEOVAULT_DATABASE_URL": f"sqlite:///{tmp_path / 'catalog.db'}",
    }
    loaded_by(tmp_path, "list", env=env)  # creates the catalog (migrations run once)
    loaded = loaded_by(tmp_path, "search", "portrait tag:poster", "--json", env=env)
    assert "sqlalchemy" in loaded  # the probe does see what a command imports
    unwanted = {"alembic", "rich", "PIL", "numpy", "imagehash", "httpx", "fastapi", "starlette"}
    assert not loaded & unwanted, sorted(loaded & unwanted)


def test_the_command_table_is_what_the_modules_register() -> None:
    for module in pkgutil.iter_modules(cli_package.__path__):
        __import__(f"ideovault.cli.{module.name}")
    group = typer.main.get_command(app)
    registered = {
        name: (command.callback.__module__ if command.callback else "", command)
        for name, command in getattr(group, "commands", {}).items()
    }
    assert set(registered) == set(COMMANDS)
    for name, (module, command) in registered.items():
        entry = COMMANDS[name]
        if module:  # a command, not a sub-group (those have no callback of their own)
            assert module == f"ideovault.cli.{entry.module}", name
        assert command.get_short_help_str(1000) == entry.help, name


@pytest.mark.parametrize("width", range(50, 79))  # every width Click's formatter can pick
def test_the_top_level_help_is_typers_at_every_width(width: int) -> None:
    group = typer.main.get_command(app)
    with group.context_class(group, info_name="ideovault", terminal_width=width) as ctx:
        assert top_help.render(width) == group.get_help(ctx)


def test_help_and_no_arguments_print_the_top_level_help(tmp_path: Path) -> None:
    env = {**os.environ, "COLUMNS": "64"}
    asked = subprocess.run(
        [sys.executable, "-m", "ideovault", "--help"], env=env, capture_output=True, text=True
    )
    assert asked.returncode == 0, asked.stderr
    assert asked.stdout == top_help.render(62) + "\n"
    bare = subprocess.run(
        [sys.executable, "-m", "ideovault"], env=env, capture_output=True, text=True
    )
    assert bare.returncode == 2
    assert bare.stderr == asked.stdout and not bare.stdout
