"""The REST API over real HTTP: list, search, one record, bytes, thumbnails, and changes."""

from __future__ import annotations

import hashlib
import io

import httpx
from PIL import Image

from ideovault.vault import Vault
from tests.web.conftest import CHANGE, HOSTILE


def test_list_newest_first_and_paged(client: httpx.Client) -> None:
    first = client.get("/api/images", params={"limit": 3}).json()
    assert len(first["results"]) == 3 and first["next"]
    rest = client.get("/api/images", params={"limit": 3, "cursor": first["next"]}).json()
    ids = [r["id"] for r in first["results"] + rest["results"]]
    assert len(ids) == 5 == len(set(ids))
    assert ids == sorted(ids, reverse=True)
    assert rest["next"] is None


def test_search_uses_the_query_language(client: httpx.Client) -> None:
    found = client.get("/api/images", params={"q": "fox tag:poster"}).json()["results"]
    assert [r["prompt"] for r in found] == ["a red fox under a neon sign"]
    assert found[0]["seed"] == 1234 and found[0]["tags"] == ["poster"]
    assert found[0]["thumbnail_href"].endswith("/thumbnail?size=512")
    assert found[0]["local_path"] is None  # no server paths in answers
    by_model = client.get("/api/images", params={"q": "model:V_2A_TURBO"}).json()["results"]
    assert len(by_model) == 1


def test_query_errors_are_400_with_the_position(client: httpx.Client) -> None:
    response = client.get("/api/images", params={"q": 'fox "neon'})
    assert response.status_code == 400
    assert "position 5" in response.json()["detail"]
    bad_cursor = client.get("/api/images", params={"cursor": "not-a-cursor"})
    assert bad_cursor.status_code == 400


def test_get_by_id_and_prefix(client: httpx.Client, vault: Vault) -> None:
    record = vault.images.list(1).records[0]
    assert client.get(f"/api/images/{record.id}").json()["id"] == record.id
    assert client.get(f"/api/images/{record.id[:13]}").json()["id"] == record.id
    missing = client.get("/api/images/00000000-0000-7000-8000-000000000000")
    assert missing.status_code == 404 and "no image" in missing.json()["detail"].lower()


def test_original_is_the_stored_bytes_with_cache_headers(
    client: httpx.Client, vault: Vault
) -> None:
    record = vault.images.list(1).records[0]
    response = client.get(f"/api/images/{record.id}/original")
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == record.sha256
    assert response.headers["content-type"] == "image/png"
    assert response.headers["etag"] == f'"{record.sha256}"'
    assert "immutable" in response.headers["cache-control"]
    again = client.get(
        f"/api/images/{record.id}/original", headers={"If-None-Match": response.headers["etag"]}
    )
    assert again.status_code == 304 and again.content == b""
    download = client.get(f"/api/images/{record.id}/original", params={"download": "true"})
    assert download.headers["content-disposition"] == f'attachment; filename="{record.id}.png"'


def test_thumbnails_are_webp_cached_and_immutable(client: httpx.Client, vault: Vault) -> None:
    record = vault.images.search("aspect:16x9").records[0]
    for size in (256, 512, 1024):
        response = client.get(f"/api/images/{record.id}/thumbnail", params={"size": size})
        assert response.status_code == 200
        assert response.headers["content-type"] == "image/webp"
        assert response.headers["etag"] == f'"{record.sha256}-{size}"'
        assert response.headers["cache-control"] == "private, max-age=31536000, immutable"
        with Image.open(io.BytesIO(response.content)) as image:
            assert image.format == "WEBP"
            assert max(image.size) == min(size, max(record.width or 0, record.height or 0))
            assert image.size[0] > image.size[1]  # 16x9 keeps its shape
    cached = list((vault.images.derived_dir() / "webp").rglob("*.webp"))
    assert len(cached) == 3
    again = client.get(
        f"/api/images/{record.id}/thumbnail",
        params={"size": 256},
        headers={"If-None-Match": f'"{record.sha256}-256"'},
    )
    assert again.status_code == 304
    assert client.get(f"/api/images/{record.id}/thumbnail", params={"size": 300}).status_code == 400


def test_tag_star_trash_restore(client: httpx.Client, vault: Vault) -> None:
    image_id = vault.images.search("lighthouse").records[0].id
    url = f"/api/images/{image_id}"
    tagged = client.post(f"{url}/tags", json={"add": ["Sea View", "draft"]}, headers=CHANGE)
    assert tagged.status_code == 200 and tagged.json()["tags"] == ["draft", "sea-view"]
    untagged = client.post(f"{url}/tags", json={"remove": ["draft"]}, headers=CHANGE).json()
    assert untagged["tags"] == ["sea-view"]
    assert client.post(f"{url}/tags", json={}, headers=CHANGE).status_code == 400
    bad_tag = client.post(f"{url}/tags", json={"add": ["a,b"]}, headers=CHANGE)
    assert bad_tag.status_code == 400 and "comma" in bad_tag.json()["detail"]
    assert client.post(f"{url}/star", json={"starred": True}, headers=CHANGE).json()["starred"]
    assert (
        client.get("/api/images", params={"q": "is:starred"}).json()["results"][0]["id"] == image_id
    )
    trashed = client.post(f"{url}/trash", headers=CHANGE).json()
    assert trashed["trashed_at"]
    assert image_id not in [r["id"] for r in client.get("/api/images").json()["results"]]
    in_trash = client.get("/api/images", params={"q": "is:trashed"}).json()["results"]
    assert [r["id"] for r in in_trash] == [image_id]
    restored = client.post(f"{url}/restore", headers=CHANGE).json()
    assert restored["trashed_at"] is None
    assert vault.images.get(image_id).tags == ("sea-view",)


def test_generate_validates_prices_and_stores(client: httpx.Client) -> None:
    quote = client.post(
        "/api/generate",
        json={"prompt": "a cat", "params": {"num_images": 2}, "dry_run": True},
        headers=CHANGE,
    )
    assert quote.status_code == 200 and quote.json()["quote"]["num_images"] == 2
    bad = client.post(
        "/api/generate", json={"prompt": "a cat", "params": {"colour": "red"}}, headers=CHANGE
    )
    assert bad.status_code == 400 and "colour" in bad.json()["detail"]
    reserved = client.post(
        "/api/generate", json={"prompt": "x", "params": {"prompt": "y"}}, headers=CHANGE
    )
    assert reserved.status_code == 400
    over = client.post("/api/generate", json={"prompt": "a cat", "max_usd": 0.0001}, headers=CHANGE)
    assert over.status_code == 400 and "budget" in over.json()["detail"].lower()
    made = client.post(
        "/api/generate",
        json={"prompt": "a cat in a hat", "tags": ["cats"], "params": {"seed": 7}},
        headers=CHANGE,
    )
    assert made.status_code == 200
    images = made.json()["images"]
    assert images[0]["status"] == "stored" and images[0]["tags"] == ["cats"]
    assert client.get(images[0]["original_href"]).status_code == 200


def test_report_and_choices(client: httpx.Client) -> None:
    report = client.get("/api/report").json()
    assert report["total"]["images"] == 5
    assert {e["key"] for e in report["by_model"]} >= {"V_3", "V_2A_TURBO"}
    choices = client.get("/api/choices").json()
    assert "V_3" in choices["model"] and "16x9" in choices["aspect"]


def test_hostile_prompt_is_plain_data_in_json(client: httpx.Client) -> None:
    found = client.get("/api/images", params={"q": "tag:<b>bold</b>"}).json()["results"]
    assert found[0]["prompt"] == HOSTILE
