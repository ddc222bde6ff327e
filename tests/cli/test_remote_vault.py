"""`RemoteVault` itself, against a real `ideovault serve` on loopback: the local vault's
namespaces (``images``, ``generations``, ``batches``, ``albums``, ``selection``, ``shares``,
``upkeep``) with the same method names, and a clear UserError for what only the server's
machine may do. The vault is filled with the local CLI; everything else goes through the server.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from ideovault.errors import NotFound, UserError
from ideovault.vault.remote import RemoteVault
from ideovault.vault.sending import SendOptions
from tests.cli.remote_pair import Both


@pytest.fixture
def remote(both: Both) -> Iterator[RemoteVault]:
    with RemoteVault(both.url, both.key) as vault:
        yield vault


def test_search_and_list_pages_walk_every_match(both: Both, remote: RemoteVault) -> None:
    made = both.json("generate", "a paged heron", "-n", "5", "--json", remote=False)
    everyone = {m["id"] for m in made}

    page = remote.images.search("heron", limit=2)
    assert len(page.records) == 2 and page.next_cursor
    assert {r.id for r in page} == everyone  # iterating fetches the following pages
    assert [len(p.records) for p in page.pages()] == [2, 2, 1]
    following = page.next_page()
    assert following is not None and following.records[0].id != page.records[0].id
    by_cursor = remote.images.search("heron", limit=2, cursor=page.next_cursor)
    assert by_cursor.records == following.records

    listed = remote.images.list(2)
    assert len(listed.records) == 2 and [r.id for r in listed] == [r.id for r in page]
    assert remote.images.list(10).next_cursor is None  # a page that is not full is the last
    assert remote.images.get(made[0]["id"][:-4]).id == made[0]["id"]


def test_generations_take_send_options(both: Both, remote: RemoteVault) -> None:
    options = SendOptions(tags=("from-afar", "team"))
    images = remote.generations.generate("a lone lighthouse", seed=11, options=options)
    assert images and all({"from-afar", "team"} <= set(i.tags) for i in images)
    assert "from-afar" in remote.images.get(images[0].id).tags

    events: list[str] = []
    again = remote.generations.generate(
        "a lone lighthouse", seed=11, options=SendOptions(on_event=lambda e: events.append(e.kind))
    )
    assert [i.id for i in again] == [i.id for i in images] and events == ["reused"]
    forced = remote.generations.remix(
        images[0].id, "a lone lighthouse at night", seed=3, options=SendOptions(force=True)
    )
    assert forced[0].parent_id == images[0].id and forced[0].local_path is None
    assert remote.generations.price(remote.generations.prepare("a cat")).estimated_usd > 0
    quote = remote.generations.reproduce_quote(images[0].id)
    assert quote.estimated_usd == 0  # the server's vault answers it
    reproduced = remote.generations.reproduce(images[0].id, options=SendOptions(force=True))
    assert reproduced.original.id == images[0].id and not reproduced.reused
    with pytest.raises(UserError, match="--async"):
        remote.generations.start("a cat")


def test_operator_use_cases_say_they_need_the_server_machine(
    both: Both, remote: RemoteVault
) -> None:
    (made,) = both.json("generate", "a grey heron", "--json", remote=False)
    for refused in (
        lambda: remote.upkeep.verify(),
        lambda: remote.upkeep.purge(everything=True),
        lambda: remote.upkeep.rebuild,
        lambda: remote.people.add_user("bob"),
        lambda: remote.generations.collect(),
        lambda: remote.context,
    ):
        with pytest.raises(UserError, match="does not work against a server"):
            refused()
    with pytest.raises(UserError, match=r"upkeep\.verify"):
        remote.upkeep.verify()

    # The trash is a team member's: it works through the server.
    (trashed,) = remote.upkeep.trash([made["id"]])
    assert trashed.trashed_at is not None
    assert [r.id for r in remote.upkeep.trashed()] == [made["id"]]
    assert remote.upkeep.restore([made["id"]])[0].trashed_at is None


def test_marks_albums_selection_and_export(both: Both, remote: RemoteVault, tmp_path: Path) -> None:
    made = both.json("generate", "a blue whale", "-n", "2", "--json", remote=False)
    one, two = made[0]["id"], made[1]["id"]
    assert "big" in remote.images.tag([one], add=["big"])[0].tags
    assert remote.images.star([one])[0].starred
    assert {r.rating for r in remote.images.rate([one, two], 4)} == {4}

    album = remote.albums.create("Whales")
    selection = remote.selection
    assert selection.bulk(selection.change("album", album="Whales"), query="whale") != []
    assert remote.albums.get("Whales").count == 2 and album.name == "Whales"
    assert [a.name for a in remote.albums.list()] == ["Whales"]
    assert remote.albums.cover("Whales", one).cover_id == one
    zipped = b"".join(selection.zip_stream(album="Whales"))
    names = zipfile.ZipFile(io.BytesIO(zipped)).namelist()
    assert len([n for n in names if n.endswith(".png")]) == 2 and "manifest.jsonl" in names
    assert remote.albums.rename("Whales", "Big fish").name == "Big fish"
    assert remote.albums.delete("Big fish") == 2
    with pytest.raises(NotFound):
        remote.albums.get("Big fish")

    report = remote.upkeep.export("whale", tmp_path / "out")
    assert report.exported == 2
    record, original = remote.images.open_original(one)
    with original:
        assert (tmp_path / "out" / f"{one}.png").read_bytes() == original.read()
    assert record.id == one


def test_shares_and_batches_through_the_namespaces(
    both: Both, remote: RemoteVault, tmp_path: Path
) -> None:
    (image,) = both.json("generate", "a shared fox", "--json", remote=False)
    row, path = remote.shares.create(image["id"], timedelta(days=2), "For Jo")
    assert row.kind == "image" and row.label == "For Jo" and path.startswith("/s/ivs_")
    assert [s["id"] for s in remote.shares.list()] == [row.id]
    assert remote.shares.revoke(row.id).revoked_at is not None
    with pytest.raises(UserError):
        remote.shares.create("fox", timedelta(days=800))

    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"prompt": "a harbour", "num_images": 2}\n')
    plan = remote.batches.create(rows)
    assert plan.batch is not None and plan.images == 2
    stats = remote.batches.run(plan.batch.id)
    assert stats.images_stored == 2
    assert remote.batches.state(plan.batch.id).finished
    assert [b.id for b in remote.batches.list()] == [plan.batch.id]
    # The file is opened with the local reader's checks and words, before anything is sent.
    with pytest.raises(UserError, match="is a folder"):
        remote.batches.create(tmp_path)
    utf16 = tmp_path / "wide.jsonl"
    utf16.write_bytes('{"prompt": "x"}\n'.encode("utf-16"))
    with pytest.raises(UserError, match="UTF-16"):
        remote.batches.create(utf16)
