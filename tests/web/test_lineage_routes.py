"""Lineage and reproduce over REST: the same vault methods as the CLI, records as the API
shows them (no local paths), changing requests guarded like every other."""

from __future__ import annotations

import httpx

from ideovault.vault import Vault
from tests.web.conftest import CHANGE


def test_lineage_route_answers_a_tree(client: httpx.Client, vault: Vault) -> None:
    record = vault.images.search("fox tag:poster").records[0]
    (child,) = vault.generations.remix(record.id, "the same fox, remixed", seed=9)
    response = client.get(f"/api/images/{record.id}/lineage")
    assert response.status_code == 200
    body = response.json()
    assert body["ancestors"] == [] and body["truncated"] is False
    assert body["tree"]["image"]["id"] == record.id
    (node,) = body["tree"]["children"]
    assert node["image"]["id"] == child.id and node["image"]["local_path"] is None
    up = client.get(f"/api/images/{child.id}/lineage").json()
    assert [a["id"] for a in up["ancestors"]] == [record.id]
    assert client.get("/api/images/00000000-0000-7000-8000-000000000000/lineage").status_code == 404


def test_reproduce_route(client: httpx.Client, vault: Vault) -> None:
    record = vault.images.search("fox tag:poster").records[0]
    response = client.post(
        f"/api/images/{record.id}/reproduce", json={"force": True}, headers=CHANGE
    )
    assert response.status_code == 200
    body = response.json()
    images = body["images"]
    assert images and images[0]["seed"] == record.seed and images[0]["parent_id"] == record.id
    assert body["reused"] is False and body["identical"] in (True, False)
    assert client.post(f"/api/images/{record.id}/reproduce", json={}).status_code == 403
