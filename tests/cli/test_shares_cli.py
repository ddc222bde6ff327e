"""`ideovault share ID|QUERY`, `share list`, `share revoke` on SQLite and PostgreSQL: the link is
printed once, listed without its secret, refused clearly when it cannot be made."""

from __future__ import annotations

import json


def test_share_an_image_and_a_search_then_list_and_revoke(run) -> None:  # type: ignore[no-untyped-def]
    (image,) = json.loads(run("generate", "a shared fox", "--seed", "3", "--json").out)
    made = run("share", image["id"][:13], "--expires", "2d", "--label", "For Jo")
    assert made.code == 0, made.err
    url = made.out.strip()
    assert url.startswith("http://127.0.0.1:8765/s/ivs_") and "image link" in made.err
    searched = run("share", "fox", "tag:none", "--json", "--base-url", "https://pics.example/")
    assert searched.code == 0, searched.err
    body = json.loads(searched.out)
    assert body["url"].startswith("https://pics.example/s/ivs_")
    assert body["share"]["kind"] == "search" and body["share"]["target"] == "fox tag:none"
    forced = json.loads(run("share", "create", image["id"], "--search", "--json").out)
    assert forced["share"]["kind"] == "search"

    listed = run("share", "list", "--json")
    rows = {r["id"]: r for r in json.loads(listed.out)}
    secret = url.rsplit("_", 1)[1]
    assert secret not in listed.out and len(rows) == 3
    mine = next(r for r in rows.values() if r["kind"] == "image")
    assert mine["target"] == image["id"] and mine["label"] == "For Jo"
    assert mine["state"] == "live" and mine["created_by"] == "local"
    assert "For Jo" in run("share", "list").out

    assert run("share", "revoke", mine["id"]).code == 0
    assert json.loads(run("share", "list", "--json").out)[0]["state"] == "revoked"
    for args, message in (
        (("share", "revoke", "0" * 32), "no shared link"),
        (("share", "0123456789abcdef"), "no image"),
        (("share", "fox", "--expires", "soon"), "not a duration"),
        (("share", "fox", "--expires", "2y"), "at most a year"),
        (("share", "fox", "(", "--search"), "position"),
        (("share", "fox", "is:trashed"), "never shows the trash"),
        (("share", "fox", "--label", "two\nlines"), "one line"),
        (("share", "fox", "--base-url", "ftp://x"), "--base-url"),
    ):
        refused = run(*args)
        assert refused.code == 2 and message in refused.err, (args, refused.err)
        assert "Traceback" not in refused.err
    run("rm", image["id"])
    trashed = run("share", image["id"])
    assert trashed.code == 2 and "outside the trash" in trashed.err
