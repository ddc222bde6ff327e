"""Several processes and threads writing one catalog at once: no lock errors, no lost rows."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from ideovault.catalog import Catalog
from tests.catalog.test_store import new_generation, new_image

PER_WORKER = 60


def write_many(url: str, n: int = PER_WORKER) -> int:
    with Catalog.open(url) as catalog:
        for _ in range(n):
            gid = new_generation(catalog)
            catalog.generations.record_response(
                gid, raw={}, images=[new_image(index=0), new_image(index=1)],
                answered_at=datetime.now(UTC),
            )  # fmt: skip
    return n


@pytest.mark.slow
def test_processes_and_threads_write_one_catalog(catalog_url: str) -> None:
    Catalog.open(catalog_url).close()  # migrate once up front
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool, ThreadPoolExecutor(2) as threads:
        procs = pool.map_async(write_many, [catalog_url] * 2)
        done = list(threads.map(write_many, [catalog_url] * 2))
        done += procs.get(timeout=300)
    assert sum(done) == 4 * PER_WORKER
    with Catalog.open(catalog_url) as catalog:
        assert catalog.images.status_counts() == {"pending": 4 * PER_WORKER * 2}
        assert len(catalog.generations.list(limit=10_000)) == 4 * PER_WORKER


def open_fresh(url: str) -> str:
    with Catalog.open(url) as catalog:
        return str(catalog.images.status_counts())


@pytest.mark.slow
def test_processes_opening_a_new_catalog_at_once_migrate_once(catalog_url: str) -> None:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(4) as pool:
        assert pool.map(open_fresh, [catalog_url] * 4) == ["{}"] * 4
