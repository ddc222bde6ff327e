"""Operating the server: /metrics, request ids, JSON log lines without secrets, backups."""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path

import httpx
import pytest

from ideovault.errors import UserError
from ideovault.vault import Vault
from ideovault.vault.backup import backup_catalog
from ideovault.web import WebSettings, create_app
from ideovault.web.metrics import JsonFormatter
from ideovault.web.serve import ServerThread

TOKEN = "t0ken-for-tests-0123456789abcdef"


def test_metrics_count_requests_by_route_and_read_the_vault(
    client: httpx.Client, vault: Vault
) -> None:
    image_id = vault.images.list(1).records[0].id
    for _ in range(3):
        assert client.get(f"/api/images/{image_id}").status_code == 200
    assert client.get("/api/images/ffffffff").status_code == 404
    text = client.get("/metrics").text
    route = 'method="GET",route="/api/images/{image_id}"'
    assert f'ideovault_http_requests_total{{{route},status="200"}} 3.0' in text
    assert 'route="/api/images/{image_id}",status="404"} 1.0' in text
    assert image_id not in text  # ids never become labels
    stored = len([r for r in vault.images.list(500).records if r.status == "stored"])
    assert f'ideovault_images{{status="stored"}} {float(stored)}' in text
    assert 'ideovault_generations{status="answered"}' in text
    assert "ideovault_spend_usd" in text and "ideovault_http_request_seconds_bucket" in text


def test_request_ids_and_json_log_lines_never_carry_a_secret(
    vault: Vault, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="ideovault.web.requests")
    app = create_app(vault, WebSettings(host="0.0.0.0", token=TOKEN))
    with ServerThread(app) as running, httpx.Client(base_url=running.url) as c:
        mine = c.get(
            "/api/images", headers={"Authorization": f"Bearer {TOKEN}", "X-Request-Id": "abc-123"}
        )
        assert mine.headers["x-request-id"] == "abc-123"
        odd = c.get(
            "/api/images", headers={"Authorization": f"Bearer {TOKEN}", "X-Request-Id": "<x> y"}
        )
        assert odd.headers["x-request-id"] != "<x> y" and len(odd.headers["x-request-id"]) == 32
        c.get("/", params={"token": TOKEN}, follow_redirects=False)
        vault.people.add_user("ada", "admin", "test")
        people_key = vault.people.create_key("ada", [], None, "test")[1]
        c.get("/api/whoami", headers={"Authorization": f"Bearer {people_key}"})
        c.get("/signin", params={"key": people_key}, follow_redirects=False)
    lines = [
        JsonFormatter().format(r) for r in caplog.records if r.name == "ideovault.web.requests"
    ]
    parsed = [json.loads(line) for line in lines]
    first = next(p for p in parsed if p["request_id"] == "abc-123")
    assert first["route"] == "/api/images" and first["status"] == 200 and first["actor"] == "token"
    assert any(p["actor"] == "ada" and p["route"] == "/api/whoami" for p in parsed)
    for line in lines:
        assert TOKEN not in line and people_key not in line


def test_backup_copies_a_sqlite_catalog_in_use(vault: Vault, tmp_path: Path) -> None:
    target = tmp_path / "copy.db"
    assert backup_catalog(vault.context, target) > 0
    with sqlite3.connect(target) as copy:
        count = copy.execute("SELECT count(*) FROM images").fetchone()[0]
    assert count == len(vault.images.list(500).records)
    with pytest.raises(UserError, match="already exists"):
        backup_catalog(vault.context, target)
    with pytest.raises(UserError, match="not a folder"):
        backup_catalog(vault.context, tmp_path / "missing" / "copy.db")


def test_backup_of_postgres_says_what_to_run(tmp_path: Path, postgres_url: str) -> None:
    vault = Vault.open(home=tmp_path / "home", database_url=postgres_url)
    with vault, pytest.raises(UserError, match="pg_dump"):
        backup_catalog(vault.context, tmp_path / "copy.db")
    assert not (tmp_path / "copy.db").exists()
