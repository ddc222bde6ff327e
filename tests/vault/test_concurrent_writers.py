"""Four processes generating into one catalog and one blob store at once: no lock errors,
no lost and no duplicated rows — on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ideogram_fake import FakeServer
from ideovault.catalog import Catalog
from tests.conftest import TEST_API_KEY

PROCESSES, CALLS, IMAGES = 4, 6, 2

WORKER = textwrap.dedent(
    """
    import sys
    from ideovault.config import load_settings
    from ideovault.vault import Vault
    home, db, base, key, n = sys.argv[1:6]
    settings = load_settings(home=home, database_url=db, env={{}}).with_overrides(
        api_key=key, base_url=base, retry_backoff=0.01
    )
    with Vault.open(settings=settings) as vault:
        for call in range({calls}):
            prompt = f"process {{n}} call {{call}}"
            records = vault.generations.generate(prompt, num_images={images})
            assert all(r.status == "stored" for r in records), [r.error for r in records]
    """
).format(calls=CALLS, images=IMAGES)


@pytest.mark.slow
def test_four_processes_one_catalog(catalog_url: str, fake: FakeServer, tmp_path: Path) -> None:
    Catalog.open(catalog_url).close()  # the schema exists before the race starts
    home = tmp_path / "shared-home"
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WORKER,
                str(home),
                catalog_url,
                fake.base_url,
                TEST_API_KEY,
                str(n),
            ],
            stderr=subprocess.PIPE,
            env={**os.environ},
        )
        for n in range(PROCESSES)
    ]
    errors = [p.communicate(timeout=240)[1].decode() for p in procs]
    assert [p.returncode for p in procs] == [0] * PROCESSES, errors
    assert not any("locked" in e for e in errors)
    with Catalog.open(catalog_url) as catalog:
        images = catalog.images.list(limit=10_000)
        generations = catalog.generations.list(limit=10_000)
    assert len(generations) == PROCESSES * CALLS
    assert len(images) == PROCESSES * CALLS * IMAGES
    assert len({i.id for i in images}) == len(images)
    assert {i.status for i in images} == {"stored"}
    assert fake.stats()["generate_calls"] == PROCESSES * CALLS
