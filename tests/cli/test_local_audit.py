"""Changes made through the local CLI (no server) are in the audit log too, with the vault's
owner (``local``) as their actor: every kind of change, each found by its entry (issue 15,
item 4), on SQLite and PostgreSQL. Images keep their creator, and the report counts it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.images import image_file


def test_every_local_change_is_audited_with_the_owner_as_actor(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    def ok(*args: str) -> str:
        result = run(*args)
        assert result.code == 0, (args, result.err)
        return str(result.out)

    first, second, third = (
        json.loads(ok("generate", f"a local fox {n}", "--seed", str(n), "--json"))[0]["id"]
        for n in (1, 2, 3)
    )
    ok("tag", first, "+poster")
    ok("star", first)
    ok("unstar", first)
    ok("rate", second, "4")
    ok("album", "create", "picks")
    ok("album", "add", "picks", second)
    ok("album", "rename", "picks", "best")
    ok("album", "cover", "best", second)
    ok("album", "delete", "best")
    ok("rm", third)
    ok("restore", third)
    ok("rm", third)
    ok("purge", "--all")
    ok("cleanup", "--max-count", "1", "--no-keep-starred")  # trashes the older of the two
    source = image_file(tmp_path, "mine.png", color="blue")
    remix = json.loads(ok("remix", str(source), "a blue fox", "--json"))
    folder = tmp_path / "incoming"
    folder.mkdir()
    image_file(folder, "import-me.png", color="green")
    ok("import", str(folder))
    ok("user", "add", "ed", "--role", "viewer")
    ok("user", "set-role", "ed", "editor")
    key = json.loads(ok("key", "create", "--user", "ed", "--json"))
    ok("key", "revoke", key["id"])
    share = json.loads(ok("share", second, "--expires", "1d", "--json"))["share"]
    ok("share", "revoke", share["id"])

    log = json.loads(ok("audit", "--json", "--since", "1d"))
    assert {e["actor"] for e in log} == {"local"}

    def targets(action: str) -> list[str]:
        return [e["target"] for e in log if e["action"] == action]

    def ids(action: str) -> list[str]:
        return [i for e in log if e["action"] == action for i in e["detail"]["ids"]]

    assert len(targets("generate")) == 4  # three generations and the remix
    assert targets("image.tag") == [first] and targets("image.star") == [first]
    assert targets("image.unstar") == [first] and targets("image.rate") == [second]
    assert targets("image.album") == [second]
    for action in ("album.create", "album.rename", "album.cover"):
        assert targets(action) in (["picks"], ["best"]), action
    assert targets("album.delete") == ["best"]
    assert targets("image.trash") == [third, third] and targets("image.restore") == [third]
    assert ids("image.purge") == [third]
    assert ids("image.cleanup") == [first]
    uploaded = ids("image.upload")
    assert len(uploaded) == 1 and remix[0]["parent_id"] == uploaded[0]
    assert len(ids("image.import")) == 1
    for action in ("user.add", "user.set-role"):
        assert targets(action) == ["ed"]
    assert targets("key.create") == [key["id"]] and targets("key.revoke") == [key["id"]]
    assert targets("share.create") == [share["id"]] == targets("share.revoke")

    records = json.loads(ok("list", "--json", "--limit", "50"))
    assert records and {r["creator"] for r in records} == {"local"}
    by_person = json.loads(ok("report", "--json"))["by_creator"]
    exact = json.loads(ok("report", "--json", "--exact"))["by_creator"]
    assert by_person == exact and [p["key"] for p in by_person] == ["local"]
    assert by_person[0]["images"] == len(records)
    found = json.loads(ok("search", "by:LOCAL", "--json", "--limit", "50"))["results"]
    assert {r["id"] for r in found} == {r["id"] for r in records}  # uploads and imports too
    assert "by person" in ok("report")
