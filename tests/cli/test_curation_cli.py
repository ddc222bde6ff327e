"""`rate`, `album …` and `export --zip` from the command line, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

HOSTILE_NAMES = [
    "<script>alert(1)</script> & <b>picks</b>",
    "Ünïcödé 🦊 albüm — 東京",
    "../../etc/passwd",
    "C:\\Windows\\system32",
    "x" * 200,
]


def _ids(run, *prompts: str) -> list[str]:  # type: ignore[no-untyped-def]
    found = []
    for prompt in prompts:
        result = run("generate", prompt, "--json")
        assert result.code == 0, result.err
        found += [r["id"] for r in json.loads(result.out)]
    return found


def _search(run, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    result = run("search", "--json", "--", query)
    assert result.code == 0, result.err
    return [r["id"] for r in json.loads(result.out)["results"]]


def test_rate_search_report_and_clear(run) -> None:  # type: ignore[no-untyped-def]
    a, b, c = _ids(run, "red fox", "blue whale", "green frog")
    assert run("rate", a, b, "5").code == 0
    assert run("rate", c[:13], "2").code == 0  # a prefix works
    assert sorted(_search(run, "rating:>=4")) == sorted([a, b])
    assert _search(run, "rating:2") == [c]
    assert _search(run, "rating:<2") == []
    assert sorted(_search(run, "-rating:5")) == [c]
    shown = json.loads(run("show", a, "--json").out)
    assert shown["rating"] == 5
    report = json.loads(run("report", "--json").out)
    assert report["by_rating"]["5"] == 2 and report["by_rating"]["2"] == 1
    assert run("rate", a, "0").code == 0
    assert json.loads(run("show", a, "--json").out)["rating"] is None
    assert sorted(_search(run, "rating:<2")) == [a]  # not rated counts as 0


@pytest.mark.parametrize("args", [["rate", "x", "9"], ["rate", "5"], ["rate", "1", "abc"]])
def test_rate_refuses_bad_input(run, args: list[str]) -> None:  # type: ignore[no-untyped-def]
    result = run(*args)
    assert result.code == 2
    assert "Traceback" not in result.err and "internal error" not in result.err


def test_rate_unknown_id_changes_nothing(run) -> None:  # type: ignore[no-untyped-def]
    (a,) = _ids(run, "red fox")
    result = run("rate", a, "0193ffff-0000-7000-8000-000000000000", "4")
    assert result.code == 2 and "no image" in result.err
    assert json.loads(run("show", a, "--json").out)["rating"] is None


def test_search_rejects_a_bad_rating(run) -> None:  # type: ignore[no-untyped-def]
    result = run("search", "rating:>>4")
    assert result.code == 2 and "rating" in result.err


def test_albums_lifecycle_never_deletes_images(run) -> None:  # type: ignore[no-untyped-def]
    a, b, c = _ids(run, "red fox", "blue whale", "green frog")
    assert run("album", "create", "Client picks").code == 0
    assert run("album", "create", "Client picks").code == 2  # exists already
    assert run("album", "add", "Client picks", a, b).code == 0
    assert run("album", "add", "Client picks", a).code == 0  # twice is once
    listed = json.loads(run("album", "list", "--json").out)
    assert listed[0]["name"] == "Client picks" and listed[0]["count"] == 2
    assert sorted(_search(run, 'album:"Client picks"')) == sorted([a, b])
    # Trashing hides from the album until restored.
    assert run("rm", a).code == 0
    assert _search(run, 'album:"Client picks"') == [b]
    assert json.loads(run("album", "list", "--json").out)[0]["count"] == 1
    assert run("restore", a).code == 0
    assert json.loads(run("album", "list", "--json").out)[0]["count"] == 2
    # Cover: the newest by default, or the one chosen.
    assert run("album", "cover", "Client picks", a).code == 0
    assert json.loads(run("album", "list", "--json").out)[0]["cover_id"] == a
    assert run("album", "cover", "Client picks", c).code == 2  # not in it
    assert run("album", "remove", "Client picks", b).code == 0
    assert _search(run, 'album:"Client picks"') == [a]
    assert run("album", "rename", "Client picks", "Final").code == 0
    assert _search(run, "album:Final") == [a]
    assert run("album", "delete", "Final").code == 0
    assert json.loads(run("album", "list", "--json").out) == []
    assert len(_search(run, "")) == 3  # no image went with it
    assert run("album", "delete", "Final").code == 2


def test_album_add_by_query(run) -> None:  # type: ignore[no-untyped-def]
    a, b, _ = _ids(run, "red fox", "red whale", "green frog")
    assert run("album", "create", "reds").code == 0
    result = run("album", "add", "reds", "--query", "red", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["added"] == 2
    assert sorted(_search(run, "album:reds")) == sorted([a, b])
    assert run("album", "add", "reds", a, "--query", "red").code == 2  # ids or a query


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_album_names(run, name: str) -> None:  # type: ignore[no-untyped-def]
    (a,) = _ids(run, "red fox")
    assert run("album", "create", name).code == 0
    assert run("album", "add", name, a).code == 0
    listed = json.loads(run("album", "list", "--json").out)
    assert [x["name"] for x in listed] == [name]
    assert _search(run, f'album:"{name}"') == [a]
    assert run("album", "list").code == 0  # the table prints it as text


@pytest.mark.parametrize("name", ["", "   ", "x" * 201, "tab\there", 'say "hi"'])
def test_bad_album_names_are_refused(run, name: str) -> None:  # type: ignore[no-untyped-def]
    result = run("album", "create", name)
    assert result.code == 2, result.err
    assert "album name" in result.err
    assert json.loads(run("album", "list", "--json").out) == []


def test_export_zip_of_a_query_and_an_album(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a, b, c = _ids(run, "red fox / ../../evil", "blue whale", "green frog")
    target = tmp_path / "out.zip"
    result = run("export", "--zip", str(target), "--query", "fox")
    assert result.code == 0, result.err
    with zipfile.ZipFile(target) as z:
        assert z.testzip() is None
        names = z.namelist()
        manifest = [json.loads(x) for x in z.read("manifest.jsonl").splitlines()]
    assert names[-1] == "manifest.jsonl"
    assert [m["id"] for m in manifest] == [a]
    assert names[0] == f"red-fox-evil-{a}.png"  # no separators, no dots
    assert manifest[0]["file"] == names[0] and "local_path" not in manifest[0]
    assert run("album", "create", "keep").code == 0
    assert run("album", "add", "keep", b, c).code == 0
    result = run("export", "--zip", str(target), "--album", "keep")
    assert result.code == 0, result.err
    with zipfile.ZipFile(target) as z:
        ids = {json.loads(x)["id"] for x in z.read("manifest.jsonl").splitlines()}
    assert ids == {b, c}
    assert not list(tmp_path.glob(".*partial"))


def test_export_zip_bad_input(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for args in (
        ["export", "--zip", str(tmp_path / "x.zip"), "--album", "nope"],
        ["export", "--zip", str(tmp_path / "x.zip"), "--query", 'fox "'],
        ["export", "--zip", str(tmp_path / "no" / "x.zip")],
        ["export"],
    ):
        result = run(*args)
        assert result.code == 2, (args, result.err)
    assert not (tmp_path / "x.zip").exists()
