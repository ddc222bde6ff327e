"""Lifecycle benchmark: cleanup planning and purge of 100,000 records, and `verify`
throughput, each against a baseline measured in the same run.

* cleanup: ideovault plans (reasons for every image, starred and keep-tags spared) and moves to
  the trash, then purges; the baseline is the seed's cleanup — load generations.json, drop
  records older than N days, rewrite the file (no plan, no trash, no shared-blob check).
* verify: ideovault streams every stored blob through sha256 and compares with the catalog;
  the baseline is `sha256sum` over the same files.

    python bench/lifecycle.py [--records 100000] [--files 300]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

from ideovault.config import load_settings
from ideovault.vault import Vault
from ideovault.vault.cleanup import Policy

NOW = datetime.now(UTC)


def fill(url: str, n: int, keys: list[tuple[str, str, int]] | None = None) -> None:
    """n images spread over 400 days; 1% starred, 5% tagged keep; optional real blob keys."""
    Vault.open(settings=load_settings(home=Path(url[10:]).parent, database_url=url, env={})).close()
    engine = create_engine(url)
    rng = random.Random(3)
    gens, imgs, tags = [], [], []
    for i in range(n):
        iid = f"{i:08x}-0000-7000-8000-000000000000"
        created = NOW - timedelta(days=400 * (n - i) / n)
        key, sha, size = keys[i] if keys else (None, None, rng.randrange(10**5, 4 * 10**6))
        gens.append({"id": iid, "created_at": created})
        imgs.append({"id": iid, "created_at": created, "size": size, "key": key, "sha": sha,
                     "starred": rng.random() < 0.01})  # fmt: skip
        if rng.random() < 0.05:
            tags.append({"image_id": iid, "tag": "keep"})
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO generations (id, endpoint, operation, model, request, fingerprint, status,"
            " num_images, created_at) VALUES (:id, '/g', 'generate', 'V_3', '{}', 'f', 'answered',"
            " 1, :created_at)"), gens)  # fmt: skip
        conn.execute(text(
            "INSERT INTO images (id, generation_id, idx, prompt, model, is_safe, status, starred,"
            " created_at, size_bytes, blob_key, sha256, tags_text) VALUES (:id, :id, 0,"
            " 'a prompt', 'V_3', 1, 'stored', :starred, :created_at, :size, :key, :sha, '')"),
            imgs)  # fmt: skip
        if tags:
            conn.execute(text("INSERT INTO image_tags VALUES (:image_id, :tag)"), tags)
    engine.dispose()


def bench_cleanup(root: Path, n: int) -> None:
    url = f"sqlite:///{root / 'cleanup.db'}"
    fill(url, n)
    settings = load_settings(home=root, database_url=url, env={})
    with Vault.open(settings=settings) as vault:
        t0 = time.perf_counter()
        plan = vault.upkeep.cleanup_plan(
            Policy(older_than=timedelta(days=200), keep_tags=("keep",))
        )
        t_plan = time.perf_counter() - t0
        t0 = time.perf_counter()
        vault.upkeep.cleanup(plan)
        purged = vault.upkeep.purge(everything=True)
        t_purge = time.perf_counter() - t0
    # The seed: one JSON file, filtered by age and rewritten.
    seed = root / "generations.json"
    seed.write_text(json.dumps([{"id": i, "prompt": "a prompt", "createdAt":
        (NOW - timedelta(days=400 * (n - i) / n)).isoformat(), "localPath": f"/x/{i}.png"}
        for i in range(n)]))  # fmt: skip
    t0 = time.perf_counter()
    records = json.loads(seed.read_text())
    cutoff = (NOW - timedelta(days=200)).isoformat()
    seed.write_text(json.dumps([r for r in records if r["createdAt"] >= cutoff]))
    t_seed = time.perf_counter() - t0
    print(f"cleanup of {n:,} records: plan {len(plan.removals):,} removals in {t_plan:.2f} s, "
          f"trash + purge {len(purged.purged):,} in {t_purge:.2f} s")  # fmt: skip
    print(f"  seed's hard delete by age (load, filter, rewrite JSON): {t_seed:.2f} s")
    print(f"  ratio ideovault plan / seed delete: {t_plan / t_seed:.1f}x the time "
          f"(plan with reasons, starred and keep-tags spared, reversible)")  # fmt: skip


def bench_verify(root: Path, files: int) -> None:
    settings = load_settings(home=root / "v", env={})
    keys = []
    with Vault.open(settings=settings) as vault:
        for _ in range(files):
            data = b"\x89PNG\r\n\x1a\n" + os.urandom(1024 * 1024)
            with vault.context.store.stage() as staged:
                staged.write(data)
                ref = vault.context.store.commit(staged, "png")
            keys.append((ref.key, hashlib.sha256(data).hexdigest(), len(data)))
    url = settings.database_url
    Path(url[10:]).unlink()
    fill(url, files, keys)
    with Vault.open(settings=settings) as vault:
        vault.upkeep.verify(repair=True)  # untimed: writes the sidecars the bulk load left out
        t0 = time.perf_counter()
        report = vault.upkeep.verify()
        t_ours = time.perf_counter() - t0
        paths = [str(vault.context.store.local_path(k)) for k, _, _ in keys]
    assert report.ok, report.problems[:3]
    t0 = time.perf_counter()
    subprocess.run(["sha256sum", *paths], check=True, capture_output=True)
    t_sum = time.perf_counter() - t0
    mb = report.bytes_checked / 2**20
    print(
        f"verify {files} files, {mb:.0f} MB: ideovault {mb / t_ours:.0f} MB/s, "
        f"sha256sum {mb / t_sum:.0f} MB/s, ratio {t_sum / t_ours:.2f}x of sha256sum's speed"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--files", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bench_cleanup(Path(tmp), args.records)
    with tempfile.TemporaryDirectory() as tmp:
        bench_verify(Path(tmp), args.files)


if __name__ == "__main__":
    main()
