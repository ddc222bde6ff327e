"""REST routes of curation — ratings, albums, bulk changes, zips — on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ideogram_fake import FakeServer
from ideovault.vault import Vault
from ideovault.web import WebSettings, create_app
from ideovault.web.serve import ServerThread
from tests.web.conftest import CHANGE, HOSTILE, open_vault


@pytest.fixture
def both(tmp_path: Path, fake: FakeServer, catalog_url: str) -> Iterator[Vault]:
    with open_vault(tmp_path / "home", fake, catalog_url) as v:
        yield v


@pytest.fixture
def api(both: Vault) -> Iterator[httpx.Client]:
    with (
        ServerThread(create_app(both, WebSettings(port=0))) as running,
        httpx.Client(base_url=running.url, timeout=30, headers=CHANGE) as c,
    ):
        yield c


def _ids(vault: Vault, query: str = "") -> list[str]:
    return [r.id for r in vault.images.search(query, limit=100).records]


def test_rate_one_image(api: httpx.Client, both: Vault) -> None:
    image = _ids(both)[0]
    answer = api.post(f"/api/images/{image}/rating", json={"rating": 4})
    assert answer.status_code == 200 and answer.json()["rating"] == 4
    assert api.get(f"/api/images/{image}").json()["rating"] == 4
    assert [r["id"] for r in api.get("/api/images", params={"q": "rating:4"}).json()["results"]]
    assert api.post(f"/api/images/{image}/rating", json={"rating": 6}).status_code == 422
    assert api.post(f"/api/images/{image}/rating", json={"rating": 0}).json()["rating"] is None
    assert api.post("/api/images/../etc/rating", json={"rating": 1}).status_code in (400, 404)
    assert api.get("/api/report").json()["by_rating"]["unrated"] == 5


@pytest.mark.parametrize(
    ("action", "extra", "check"),
    [
        ("tag", {"add": ["Keep Me"], "remove": ["poster"]}, lambda r: "keep-me" in r.tags),
        ("star", {"starred": True}, lambda r: r.starred),
        ("rate", {"rating": 5}, lambda r: r.rating == 5),
        ("trash", {}, lambda r: r.trashed_at is not None),
    ],
)
def test_bulk_by_ids_and_query(api: httpx.Client, both: Vault, action, extra, check) -> None:  # type: ignore[no-untyped-def]
    ids = _ids(both)[:3]
    answer = api.post("/api/bulk", json={"action": action, "ids": ids, **extra})
    assert answer.status_code == 200, answer.text
    assert answer.json()["count"] == 3
    assert all(check(both.images.get(i)) for i in ids)
    assert not any(check(both.images.get(i)) for i in _ids(both)[3:] if i not in ids)
    if action == "trash":
        back = api.post("/api/bulk", json={"action": "restore", "query": "is:trashed"})
        assert back.json()["count"] == 3
        assert all(both.images.get(i).trashed_at is None for i in ids)


def test_bulk_by_query_and_tags_are_searchable(api: httpx.Client, both: Vault) -> None:
    answer = api.post("/api/bulk", json={"action": "tag", "query": "lighthouse", "add": ["sea"]})
    assert answer.json()["count"] == 2
    assert len(both.images.search("tag:sea").records) == 2
    assert len(both.images.search("sea").records) == 2  # the full-text copy of the tags is in step


def test_bulk_is_all_or_nothing(api: httpx.Client, both: Vault) -> None:
    ids = [*_ids(both)[:2], "0193ffff-0000-7000-8000-000000000000"]
    answer = api.post("/api/bulk", json={"action": "star", "ids": ids})
    assert answer.status_code == 404 and "no image" in answer.json()["detail"]
    assert not any(both.images.get(i).starred for i in ids[:2])


def test_bulk_refuses_bad_selections(api: httpx.Client, both: Vault) -> None:
    assert api.post("/api/bulk", json={"action": "star"}).status_code == 400
    both_given = {"action": "star", "ids": _ids(both)[:1], "query": "fox"}
    assert api.post("/api/bulk", json=both_given).status_code == 400
    assert api.post("/api/bulk", json={"action": "explode", "ids": ["01"]}).status_code == 422
    too_many = {"action": "star", "ids": ["01a2"] * 10_001}
    assert api.post("/api/bulk", json=too_many).status_code == 422
    bad_query = api.post("/api/bulk", json={"action": "star", "query": 'fox "'})
    assert bad_query.status_code == 400 and "position" in bad_query.json()["detail"]
    no_header = httpx.post(f"{api.base_url}/api/bulk", json={"action": "star", "query": ""})
    assert no_header.status_code == 403


def test_bulk_over_the_limit_is_a_clear_error(both: Vault) -> None:
    with pytest.raises(Exception, match="more than 3 images"):
        both.selection.bulk(both.selection.change("star"), query="", limit=3)
    assert not any(r.starred for r in both.images.search("").records)


@pytest.mark.parametrize(
    "name", ["<img src=x onerror=alert(1)>", "Ünïcödé 🦊 — 東京", "../../etc/passwd", "y" * 200]
)
def test_albums_crud_with_hostile_names(api: httpx.Client, both: Vault, name: str) -> None:
    created = api.post("/api/albums", json={"name": name})
    assert created.status_code == 200, created.text
    album = created.json()
    assert album["name"] == name and album["count"] == 0
    ids = _ids(both)[:2]
    added = api.post("/api/bulk", json={"action": "album", "album": name, "ids": ids})
    assert added.json()["count"] == 2
    got = api.get(f"/api/albums/{album['id']}").json()
    assert got["count"] == 2 and got["cover_id"] == max(ids)
    assert api.get(f"/api/images/{ids[0]}/albums").json() == [name]
    assert api.post("/api/albums", json={"name": name}).status_code == 400  # exists
    renamed = api.patch(f"/api/albums/{album['id']}", json={"name": "2 " + name[:150]})
    assert renamed.json()["name"] == "2 " + name[:150]
    cover = api.post(f"/api/albums/{album['id']}/cover", json={"image_id": ids[1]})
    assert cover.json()["cover_id"] == ids[1]
    deleted = api.delete(f"/api/albums/{album['id']}")
    assert deleted.json()["images_kept"] == 2
    assert api.get("/api/albums").json() == []
    assert len(_ids(both)) == 5


def test_album_names_refused(api: httpx.Client) -> None:
    for name in ["", "z" * 201, "new\nline", 'a "quoted" name']:
        answer = api.post("/api/albums", json={"name": name})
        assert answer.status_code == 400, name
    assert api.get("/api/albums/not-hex").status_code == 400
    assert api.get("/api/albums/0193ffff-0000-7000-8000-000000000000").status_code == 404


def _zip(body: bytes) -> tuple[list[str], list[dict[str, object]]]:
    with zipfile.ZipFile(io.BytesIO(body)) as z:
        assert z.testzip() is None
        names = z.namelist()
        manifest = [json.loads(x) for x in z.read("manifest.jsonl").splitlines()]
    return names, manifest


def test_zip_of_a_selection_a_search_and_an_album(api: httpx.Client, both: Vault) -> None:
    ids = _ids(both)[:2]
    answer = api.post("/api/zip", json={"ids": ids})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/zip"
    assert "attachment" in answer.headers["content-disposition"]
    names, manifest = _zip(answer.content)
    assert [m["id"] for m in manifest] == ids
    for name in names:
        assert "/" not in name and "\\" not in name and ".." not in name
    hostile = both.images.search("tag:<b>bold</b>").records[0]
    names, manifest = _zip(api.get("/api/zip", params={"q": "onerror"}).content)
    assert manifest[0]["id"] == hostile.id and manifest[0]["prompt"] == HOSTILE
    assert names[0].startswith("script-window-pwned-1-script-img-src-x-onerror")
    album = api.post("/api/albums", json={"name": "zipped"}).json()
    api.post("/api/bulk", json={"action": "album", "album": "zipped", "ids": ids})
    both.upkeep.trash([ids[0]])  # hidden from the album, so not in its zip
    _, manifest = _zip(api.get("/api/zip", params={"album": album["id"]}).content)
    assert [m["id"] for m in manifest] == [ids[1]]


def test_zip_errors_come_before_any_byte(api: httpx.Client) -> None:
    assert api.get("/api/zip", params={"q": 'fox "'}).status_code == 400
    missing = api.post("/api/zip", json={"ids": ["0193ffff-0000-7000-8000-000000000000"]})
    assert missing.status_code == 404
    assert api.get("/api/zip", params={"album": "0193ffff"}).status_code == 404
