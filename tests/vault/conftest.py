"""A vault wired to the fake Ideogram server over loopback, one fresh home per test, with its
catalog on SQLite and — the same tests again — on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ideogram_fake import FakeServer
from ideovault.config import load_settings
from ideovault.vault import Vault
from tests.conftest import TEST_API_KEY

API_KEY = TEST_API_KEY


@pytest.fixture
def vault_home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def vault(request: pytest.FixtureRequest, fake: FakeServer, vault_home: Path) -> Iterator[Vault]:
    database_url = None
    if request.param == "postgres":
        database_url = str(request.getfixturevalue("postgres_url"))
    settings = load_settings(home=vault_home, database_url=database_url, env={}).with_overrides(
        api_key=API_KEY, base_url=fake.base_url, retry_backoff=0.01
    )
    with Vault.open(settings=settings) as v:
        yield v
