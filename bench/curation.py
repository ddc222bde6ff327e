"""Curation benchmark, each figure against a baseline measured in the same run:

* a bulk change (rate, tag, star) of 10,000 selected images through ``Vault.bulk`` — ids
  checked, one transaction, the full-text copy of tags kept in step — against one plain
  ``UPDATE images SET rating = 5 WHERE id IN (...)`` of the same rows;
* a streamed zip of 1,000 stored images (``Vault.zip_stream``, written to a file) against
  copying the same files with ``shutil.copyfile``.

The bulk rows have no blob (no sidecar to rewrite), so the figure is the catalog's part;
with blobs each stored record's sidecar is rewritten too (a file write per image).

    python bench/curation.py [--images 10000] [--files 1000] [--kib 400]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

from ideovault.blobs.base import key_for
from ideovault.config import load_settings
from ideovault.vault import Vault

NOW = datetime.now(UTC)


def fill(root: Path, url: str, n: int, blobs: bool, kib: int) -> list[str]:
    """n stored images (with real files when ``blobs``); returns their ids."""
    settings = load_settings(home=root, database_url=url, env={})
    vault = Vault.open(settings=settings)
    gens, imgs, ids = [], [], []
    for i in range(n):
        iid = f"{i:08x}-0000-7000-8000-000000000000"
        key = sha = None
        if blobs:
            data = os.urandom(kib * 1024)
            sha = hashlib.sha256(data).hexdigest()
            key = key_for(sha, "png")
            path = vault.context.store.local_path(key)
            assert path is not None
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        created = NOW - timedelta(seconds=n - i)
        ids.append(iid)
        gens.append({"id": iid, "created_at": created})
        size = kib * 1024 if blobs else None
        imgs.append({"id": iid, "created_at": created, "key": key, "sha": sha, "size": size,
                     "prompt": f"a red fox number {i}"})  # fmt: skip
    vault.close()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO generations (id, endpoint, operation, model, request, fingerprint, status,"
            " num_images, created_at) VALUES (:id, '/g', 'generate', 'V_3', '{}', 'f', 'answered',"
            " 1, :created_at)"), gens)  # fmt: skip
        conn.execute(text(
            "INSERT INTO images (id, generation_id, idx, prompt, model, is_safe, status, starred,"
            " created_at, size_bytes, blob_key, sha256, mime, tags_text) VALUES (:id, :id, 0,"
            " :prompt, 'V_3', 1, 'stored', 0, :created_at, :size, :key, :sha, 'image/png', '')"),
            imgs)  # fmt: skip
    engine.dispose()
    return ids


def best(run, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return min(times)


def bench_bulk(root: Path, n: int) -> None:
    url = f"sqlite:///{root / 'bulk.db'}"
    ids = fill(root, url, n, blobs=False, kib=0)
    engine = create_engine(url)

    def one_update() -> None:
        with engine.begin() as conn:
            marks = ", ".join(f":p{i}" for i in range(len(ids)))
            conn.execute(
                text(f"UPDATE images SET rating = 5 WHERE id IN ({marks})"),
                {f"p{i}": v for i, v in enumerate(ids)},
            )

    baseline = best(one_update)
    settings = load_settings(home=root, database_url=url, env={})
    with Vault.open(settings=settings) as vault:
        rows = {
            "rate (ids)": lambda: vault.selection.bulk(
                vault.selection.change("rate", rating=4), ids
            ),
            "star (ids)": lambda: vault.selection.bulk(
                vault.selection.change("star", starred=True), ids
            ),
            "tag (ids)": lambda: vault.selection.bulk(
                vault.selection.change("tag", add_tags=["pick"]), ids
            ),
            "rate (query)": lambda: vault.selection.bulk(
                vault.selection.change("rate", rating=3), query="fox"
            ),
        }
        print(f"bulk change of {n:,} images (SQLite); baseline one UPDATE: {baseline * 1e3:.0f} ms")
        for name, run in rows.items():
            took = best(run)
            print(f"  {name:<14} {took * 1e3:7.0f} ms   {took / baseline:5.1f}x the UPDATE")
    engine.dispose()


def bench_zip(root: Path, n: int, kib: int) -> None:
    url = f"sqlite:///{root / 'zip.db'}"
    fill(root, url, n, blobs=True, kib=kib)
    settings = load_settings(home=root, database_url=url, env={})
    with Vault.open(settings=settings) as vault:
        paths = [
            vault.context.store.local_path(r.blob_key or "") for r in vault.selection.matches("")
        ]
        out = root / "copies"

        def copy() -> None:
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir()
            for i, path in enumerate(paths):
                assert path is not None
                shutil.copyfile(path, out / f"{i}.png")

        def zipped() -> None:
            with (root / "all.zip").open("wb") as fh:
                for chunk in vault.selection.zip_stream(query=""):
                    fh.write(chunk)

        total = n * kib * 1024 / 2**20
        baseline = best(copy)
        took = best(zipped)
        print(f"zip of {n:,} images of {kib} KiB ({total:.0f} MiB):")
        print(f"  copying the files  {total / baseline:7.0f} MiB/s")
        print(f"  streamed zip       {total / took:7.0f} MiB/s   {baseline / took:.2f}x copy speed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=10_000)
    parser.add_argument("--files", type=int, default=1_000)
    parser.add_argument("--kib", type=int, default=400)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "a").mkdir()
        (Path(tmp) / "b").mkdir()
        bench_bulk(Path(tmp) / "a", args.images)
        bench_zip(Path(tmp) / "b", args.files, args.kib)


if __name__ == "__main__":
    main()
