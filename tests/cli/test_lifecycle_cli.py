"""rm / trash / restore / purge / verify through the CLI: exit codes and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


def test_rm_restore_purge_verify(run) -> None:
    res = run("generate", "short lived", "--seed", "1", "--json")
    (image,) = json.loads(res.out)
    assert run("rm", image["id"], "--json").code == 0
    assert json.loads(run("list", "--json").out) == []
    assert [r["id"] for r in json.loads(run("trash", "--json").out)] == [image["id"]]
    assert run("restore", image["id"]).code == 0
    assert len(json.loads(run("list", "--json").out)) == 1
    verified = run("verify", "--json")
    assert verified.code == 0 and json.loads(verified.out)["ok"] is True
    run("rm", image["id"])
    purged = json.loads(run("purge", "--all", "--json").out)
    assert purged["purged"] == [image["id"]] and purged["blobs_deleted"] == 1
    assert not Path(image["local_path"]).exists()


def test_verify_exits_1_and_names_the_damage(run) -> None:
    (image,) = json.loads(run("generate", "to be damaged", "--json").out)
    Path(image["local_path"]).write_bytes(b"garbage")
    res = run("verify")
    assert res.code == 1
    assert image["id"] in res.err and "corrupt" in res.err


@pytest.mark.parametrize(
    "args",
    [
        ["rm", "../../etc/passwd"],
        ["rm", "'; DROP TABLE images; --"],
        ["restore", "<script>"],
        ["purge"],
        ["purge", "--older-than", "soon"],
        ["purge", "--older-than", "-3d"],
    ],
)
def test_bad_lifecycle_input(run, args: list[str]) -> None:
    res = run(*args)
    assert res.code == 2, res.err
    assert "Traceback" not in res.err and res.err.strip()
