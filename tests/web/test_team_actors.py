"""Who made what and who spent what: generations name their actor, `by:NAME` finds them, and a
person's own budgets refuse a request before any call, naming which budget."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ideogram_fake import FakeServer
from ideovault.vault import Vault
from ideovault.web import WebSettings, create_app
from ideovault.web.serve import ServerThread
from tests.web.conftest import CHANGE, open_vault


@pytest.fixture
def served(tmp_path: Path, fake: FakeServer, catalog_url: str) -> Iterator[tuple[Vault, str]]:
    with open_vault(tmp_path / "home", fake, catalog_url) as vault:
        vault.people.add_user("ada", "admin", "test")
        vault.people.add_user("ed", "editor", "test")
        with ServerThread(create_app(vault, WebSettings(port=0))) as running:
            yield vault, running.url


def client(url: str, vault: Vault, name: str) -> httpx.Client:
    key = vault.people.create_key(name, [], None, "test")[1]
    return httpx.Client(
        base_url=url, headers={**CHANGE, "Authorization": f"Bearer {key}"}, timeout=60
    )


def test_generations_name_their_actor_and_by_finds_them(served: tuple[Vault, str]) -> None:
    vault, url = served
    with client(url, vault, "ed") as ed, client(url, vault, "ada") as ada:
        made = ed.post("/api/generate", json={"prompt": "a lighthouse by ed", "params": {}})
        assert made.status_code == 200, made.text
        ids = {i["id"] for i in made.json()["images"]}
        found = ada.get("/api/images", params={"q": "by:ed"}).json()["results"]
        assert {r["id"] for r in found} == ids
        assert ada.get("/api/images", params={"q": "by:ada"}).json()["results"] == []
        vault.people.disable("ed", "test")  # the records keep their creator's name
        assert {
            r["id"] for r in ada.get("/api/images", params={"q": "by:ed"}).json()["results"]
        } == ids
        report = ada.get("/api/report").json()
        mine = [r for r in report["by_person"] if r["person"] == "ed"]
        assert [r["generations"] for r in mine] == [1] and mine[0]["usd"] > 0
        made_by = {r["key"]: r for r in report["by_creator"]}  # the images kept, per creator
        assert made_by["ed"]["images"] == len(ids) and made_by["ed"]["cost_usd"] > 0
        assert made_by["local"]["images"] == len(vault.images.list(500).records) - len(ids)
        assert ada.get(f"/api/images/{next(iter(ids))}").json()["creator"] == "ed"
        page = ada.get("/report").text
        assert 'id="chart-cost-by-person"' in page and 'id="spent-by-person"' in page
        assert "<td>ed</td>" in page
    entries = vault.people.audit_entries("ed")
    assert [e.action for e in entries].count("generate") == 1
    assert "POST /api/generate" in [e.action for e in entries]
    # seeded images made locally (the vault's single owner) are not anyone's on the team
    local = vault.images.search("by:local").records
    assert len(local) == len(vault.images.list(500).records) - len(ids)


def test_a_person_over_their_budget_is_refused_before_any_call(
    served: tuple[Vault, str], fake: FakeServer
) -> None:
    vault, url = served
    before = len(vault.context.catalog.generations.list(limit=500))
    with client(url, vault, "ed") as ed:
        vault.people.set_budget("ed", 0.0, None, "test")
        over = ed.post("/api/generate", json={"prompt": "a costly fox", "params": {}})
        assert over.status_code == 400 and "ed's daily budget" in over.json()["detail"]
        vault.people.set_budget("ed", None, 0.01, "test")
        over = ed.post("/api/generate", json={"prompt": "a costly fox", "params": {}})
        assert over.status_code == 400 and "ed's monthly budget" in over.json()["detail"]
        vault.people.set_budget("ed", None, None, "test")
        assert ed.post("/api/generate", json={"prompt": "a cheap fox"}).status_code == 200
    assert len(vault.context.catalog.generations.list(limit=500)) == before + 1
