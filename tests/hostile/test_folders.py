"""Folders and odd paths as hostile input: where a command expects a file it gets a folder or
a FIFO; where it expects a folder (a new blob store) it gets names with backslashes, spaces,
newlines or nothing at all."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

from tests.hostile.conftest import Hostile, assert_nothing_lost

ODD_NAMES = ["back\\slash", "with space", "new\nline", 'quote"d', "tab\tbed", "ünï", "-dash"]


@pytest.mark.parametrize("kind", ["folder", "fifo", "missing", "dangling-symlink"])
def test_a_json_prompt_that_is_not_a_file(hostile: Hostile, tmp_path: Path, kind: str) -> None:
    path = tmp_path / "prompt.json"
    if kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "dangling-symlink":
        path.symlink_to(tmp_path / "nowhere")
    result = hostile.run("generate", "-m", "V_4", "--json-prompt", str(path), channel="folders")
    assert result.code == 2 and "is not a file" in result.err


@pytest.mark.parametrize("kind", ["folder", "missing"])
def test_a_batch_file_that_is_not_a_file(hostile: Hostile, tmp_path: Path, kind: str) -> None:
    path = tmp_path / "jobs.jsonl"
    if kind == "folder":
        path.mkdir()
    result = hostile.run("batch", str(path), "--dry-run", channel="folders")
    assert result.code == 2


@pytest.mark.parametrize("name", ODD_NAMES, ids=repr)
def test_storage_migrate_to_an_odd_folder_name_switches_for_good(
    hostile: Hostile, stored: list[dict[str, str]], tmp_path: Path, name: str
) -> None:
    """A backslash in the name crashed after the copy (re.sub read it as an escape), leaving
    the catalog switched and ideovault.toml not; a relative folder was written as given, so
    the next run from another folder looked elsewhere."""
    result = hostile.run("storage", "migrate", "--to", name, channel="folders")
    assert result.code == 0, result.err
    config = tomllib.loads((hostile.home / "ideovault.toml").read_text("utf-8"))
    assert config["storage_url"] == (tmp_path / name).resolve().as_uri()
    os.chdir(hostile.home)  # from anywhere else, the vault still finds its blobs
    assert_nothing_lost(hostile, stored)


@pytest.mark.parametrize("to", ["", " ", "\t"], ids=repr)
def test_storage_migrate_to_nothing_is_refused(hostile: Hostile, to: str) -> None:
    result = hostile.run("storage", "migrate", "--to", to, channel="folders")
    assert result.code == 2 and "--to" in result.err
