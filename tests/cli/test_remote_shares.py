"""`ideovault share` through a real `ideovault serve`: the server makes the link (on its own
address), lists and revokes it as the local CLI would, and the link opens without a key."""

from __future__ import annotations

import httpx

from tests.cli.remote_pair import Both


def test_share_list_and_revoke_through_the_server(both: Both) -> None:
    (image,) = both.json("generate", "a shared fox", "--seed", "3", "--json", remote=False)
    made = both.json("share", image["id"], "--expires", "2d", "--label", "For Jo", "--json")
    assert made["share"]["kind"] == "image" and made["share"]["label"] == "For Jo"
    assert made["url"].startswith(both.url + "/s/ivs_")  # the server's address, by default
    page = httpx.get(made["url"], timeout=60)
    assert page.status_code == 200 and image["id"] in page.text

    searched = both.json("share", "fox", "--base-url", "https://pics.example/", "--json")
    assert searched["url"].startswith("https://pics.example/s/ivs_")
    assert searched["share"]["kind"] == "search"

    # What the server lists is what the local CLI lists on the same vault.
    assert both.json("share", "list", "--json") == both.json("share", "list", "--json",
                                                             remote=False)  # fmt: skip
    text = both.remote("share", "revoke", made["share"]["id"])
    assert text.code == 0 and "revoked" in text.err + text.out
    assert httpx.get(made["url"], timeout=60).status_code == 410
    states = {s["id"]: s["state"] for s in both.json("share", "list", "--json")}
    assert states[made["share"]["id"]] == "revoked"


def test_share_errors_through_the_server_exit_2(both: Both) -> None:
    assert both.remote("share", "fox", "--expires", "2y").code == 2
    missing = both.remote("share", "revoke", "0" * 32)
    assert missing.code != 0 and "Traceback" not in missing.err
    assert both.remote("share", "revoke", "../admin").code == 2
    both.json("user", "add", "vic", "--role", "viewer", "--json", remote=False)
    viewer = both.json("key", "create", "--user", "vic", "--json", remote=False)["key"]
    refused = both.remote("share", "fox", key=viewer)
    assert refused.code == 2 and "images:write" in refused.err
