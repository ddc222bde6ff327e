"""Lineage and reproduce over REST. They call ``Vault.lineage`` and ``Vault.reproduce``, which
issue 6 adds on another branch; until the merge brings them these tests skip."""

from __future__ import annotations

import httpx
import pytest

from ideovault.vault import Vault
from tests.web.conftest import CHANGE


def _needs_lineage() -> None:
    if not hasattr(Vault, "lineage") or not hasattr(Vault, "reproduce"):
        pytest.skip("Vault.lineage/Vault.reproduce are not on this branch yet (issue 6)")


def test_lineage_route(client: httpx.Client, vault: Vault) -> None:
    _needs_lineage()
    record = vault.search("fox tag:poster").records[0]
    response = client.get(f"/api/images/{record.id}/lineage")
    assert response.status_code == 200
    assert record.id in response.text
    assert client.get("/api/images/00000000-0000-7000-8000-000000000000/lineage").status_code == 404


def test_reproduce_route(client: httpx.Client, vault: Vault) -> None:
    _needs_lineage()
    record = vault.search("fox tag:poster").records[0]
    response = client.post(
        f"/api/images/{record.id}/reproduce", json={"force": False}, headers=CHANGE
    )
    assert response.status_code == 200
    images = response.json()["images"]
    assert images and images[0]["seed"] == record.seed
    assert client.post(f"/api/images/{record.id}/reproduce", json={}).status_code == 403
