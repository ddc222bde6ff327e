"""Reading and marking through a real `ideovault serve` on loopback: every command prints the
same JSON as the local CLI on the same vault (``local_path`` aside, null remotely), exits with
the same codes, and the server decides what a key's role allows."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from tests.cli.remote_pair import Both, without_path


def test_reading_commands_print_what_the_local_cli_prints(both: Both, tmp_path: Path) -> None:
    made = both.json("generate", "a red fox under a neon sign", "-n", "3", "--seed", "7",
                     "--json", remote=False)  # fmt: skip
    first, second = made[0]["id"], made[1]["id"]
    both.json("tag", first, "+poster", "--json", remote=False)
    both.json("rm", second, "--json", remote=False)
    both.json("album", "create", "Best of", "--json", remote=False)
    both.json("album", "add", "Best of", first, "--json", remote=False)

    assert both.same("show", first[:-6], "--json")["id"] == first
    assert len(both.same("list", "--json")) == 2  # the trashed one is not listed
    assert len(both.same("list", "--status", "stored", "--limit", "1", "--json")) == 1
    assert both.same("list", "--before", made[2]["id"][:-6], "--json")
    page = both.same("search", "fox tag:poster", "--json")
    assert [r["id"] for r in page["results"]] == [first]
    assert both.same("search", "fox", "--limit", "1", "--json")["next"]
    assert [r["id"] for r in both.same("trash", "--json")] == [second]
    assert both.same("similar", first, "--json")
    assert both.same("lineage", first, "--json")["image"]["id"] == first
    assert both.same("report", "--json")
    assert both.same("album", "list", "--json")[0]["count"] == 1

    # A vault on local files cannot sign URLs: both refuse, with exit 2; neither names a path.
    local, remote = both.local("url", first), both.remote("url", first)
    assert local.code == remote.code == 2 and "original" in remote.err
    assert str(tmp_path) not in remote.err

    # export --to: the same files and manifests, each original streamed through the server.
    both.json("export", "fox", "--to", str(tmp_path / "here"), "--json", remote=False)
    both.json("export", "fox", "--to", str(tmp_path / "there"), "--json")
    here, there = sorted((tmp_path / "here").iterdir()), sorted((tmp_path / "there").iterdir())
    assert [p.name for p in here] == [p.name for p in there] and len(here) == 4
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(here, there, strict=True))
    # export --zip streams the server's zip: the same entries as the local one.
    for where, as_remote in (("local.zip", False), ("remote.zip", True)):
        both.json("export", "--zip", str(tmp_path / where), "--album", "Best of", "--json",
                  remote=as_remote)  # fmt: skip
    names = [zipfile.ZipFile(tmp_path / z).namelist() for z in ("local.zip", "remote.zip")]
    assert names[0] == names[1] and len(names[0]) == 2


def test_marking_commands_change_the_vault_as_the_local_cli_would(both: Both) -> None:
    made = both.json("generate", "a blue whale", "-n", "2", "--json", remote=False)
    one, two = made[0]["id"], made[1]["id"]

    def matches_local_show(changed: list[dict[str, object]]) -> None:
        for record in changed:
            shown = both.json("show", str(record["id"]), "--json", remote=False)
            assert without_path(shown) == without_path(record)

    matches_local_show(both.json("tag", one, two, "+remote", "-nothing", "--json"))
    matches_local_show(both.json("star", one, "--json"))
    matches_local_show(both.json("unstar", one, "--json"))
    matches_local_show(both.json("rate", one, two, "4", "--json"))
    matches_local_show(both.json("rm", two, "--json"))
    matches_local_show(both.json("restore", two, "--json"))
    assert both.json("album", "create", "Whales", "--json")["name"] == "Whales"
    added = both.json("album", "add", "Whales", "--query", "whale rating:4", "--json")
    assert added["added"] == 2 and added["count"] == 2
    assert both.json("album", "remove", "Whales", two, "--json")["removed"] == 1
    assert both.json("album", "cover", "Whales", one, "--json")["cover_id"] == one
    assert both.json("album", "rename", "Whales", "Big fish", "--json")["name"] == "Big fish"
    assert both.same("album", "list", "--json")[0]["name"] == "Big fish"
    assert both.json("album", "delete", "Big fish", "--json") == {
        "deleted": "Big fish", "images_kept": 1,
    }  # fmt: skip
    shown = both.json("show", one, "--json", remote=False)
    assert shown["rating"] == 4 and "remote" in shown["tags"] and not shown["starred"]


def test_errors_and_roles_exit_as_locally(both: Both) -> None:
    (made,) = both.json("generate", "a grey heron", "--json", remote=False)
    missing = "0" * 8 + "-0000-7000-8000-" + "0" * 12
    for args in (("show", missing), ("tag", missing, "+x"), ("album", "delete", "No such")):
        local, remote = both.local(*args), both.remote(*args)
        assert local.code == remote.code != 0, (args, remote.err)
        assert remote.err.strip() and "Traceback" not in remote.err
    for args in (("verify",), ("purge", "--all"), ("user", "add", "bob"), ("dupes",)):
        refused = both.remote(*args)
        assert refused.code == 2 and "does not work against a server" in refused.err, args

    both.json("user", "add", "vi", "--json", remote=False)  # a viewer reads, and is refused changes
    viewer = json.loads(both.local("key", "create", "--user", "vi", "--json").out)["key"]
    assert both.remote("show", made["id"], "--json", key=viewer).code == 0
    for args, scope in ((("rm", made["id"]), "images:write"),
                        (("rate", made["id"], "5"), "images:write"),
                        (("generate", "a cat"), "generate"),
                        (("remix", made["id"], "a dog"), "generate")):  # fmt: skip
        refused = both.remote(*args, key=viewer)
        assert refused.code == 2 and scope in refused.err, (args, refused.err)
    wrong = both.remote("show", made["id"], key="ivk_" + "0" * 32 + "_" + "x" * 43)
    assert wrong.code == 2 and "unknown" in wrong.err
    assert both.json("show", made["id"], "--json", remote=False)["trashed_at"] is None
    # --url and --key as options instead of the environment
    by_option = both.run("--url", both.url, "--key", viewer, "show", made["id"], "--json")
    assert by_option.code == 0 and json.loads(by_option.out)["local_path"] is None


def test_the_python_api_connects_to_the_server_or_opens_the_local_vault(both: Both) -> None:
    import ideovault

    (made,) = both.json("generate", "a tall crane", "--json", remote=False)
    with ideovault.connect(both.url, both.key) as remote:
        assert isinstance(remote, ideovault.RemoteVault)
        record = remote.images.get(made["id"])
        assert record.local_path is None and record.prompt == "a tall crane"
        assert [r.id for r in remote.images.search("crane").records] == [made["id"]]
    with ideovault.connect() as local:  # no IDEOVAULT_URL: the local vault, as before
        assert isinstance(local, ideovault.Vault) and local.images.get(made["id"]).local_path


def test_semantic_search_through_the_server(both: Both) -> None:
    from ideovault.vault import semantic

    if not semantic.available():
        pytest.skip("the semantic extra is not installed here")
    both.json("generate", "cozy autumn cafe interior", "--json", remote=False)
    both.json("generate", "rocket launching into space", "--json", remote=False)
    both.json("backfill", "--json", remote=False)  # an operator's job, on the server's machine
    found = both.same("search", "--semantic", "coffee shop in fall", "--json")["results"]
    assert found[0]["prompt"] == "cozy autumn cafe interior" and "score" in found[0]
