"""Semantic search benchmark: the paged exact scan over stored vectors, on synthetic vectors.

Embedding a million real prompts with the model is too slow here, so the vectors are random
unit vectors (384 dimensions, like all-MiniLM-L6-v2), stored for the first N images of
bench/search.py's catalog. It times ``semantic.exact_top`` (the paged exact scan that search
ran before the vector index, now its reference; bench/vector.py times the index) and reports
the process's peak RSS; the baseline in the same run is numpy's dot product over the same
vectors already in memory (the way before the paged scan, which held them all).

    python bench/semantic.py --vectors 100000
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).parent))
from ideovault.catalog import Catalog
from ideovault.catalog.schema import image_embeddings, images
from ideovault.vault import semantic


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="the catalog to use")
    parser.add_argument("--vectors", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "ideovault-bench")
    args = parser.parse_args()
    url = f"sqlite:///{args.dir / f'search-{args.rows}.db'}"  # built by bench/search.py
    rng = np.random.default_rng(7)
    with Catalog.open(url) as catalog:
        with catalog.engine.begin() as conn:
            have = conn.execute(
                select(image_embeddings.c.image_id).where(
                    image_embeddings.c.model == semantic.MODEL
                )
            ).all()
            if len(have) < args.vectors:
                conn.execute(image_embeddings.delete())
                ids = conn.execute(select(images.c.id).limit(args.vectors)).scalars().all()
                for start in range(0, len(ids), 10_000):
                    chunk = ids[start : start + 10_000]
                    vectors = rng.standard_normal((len(chunk), 384)).astype(np.float32)
                    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
                    rows = [{"image_id": i, "model": semantic.MODEL, "vector": v.tobytes()}
                            for i, v in zip(chunk, vectors, strict=True)]  # fmt: skip
                    conn.execute(insert(image_embeddings), rows)
        ctx: Any = SimpleNamespace(catalog=catalog)  # exact_top reads only the catalog
        times = []
        for _ in range(args.runs):
            query = rng.standard_normal(384).astype(np.float32)
            query /= np.linalg.norm(query)
            t0 = time.perf_counter()
            semantic.exact_top(ctx, query, 50)
            times.append((time.perf_counter() - t0) * 1000)
        peak_paged = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        loaded = catalog.embeddings.load(semantic.MODEL)
        matrix = np.frombuffer(b"".join(v for _, v in loaded), dtype=np.float32).reshape(
            len(loaded), -1
        )
        t0 = time.perf_counter()
        np.argsort(-(matrix @ query))[:50]
        in_memory = (time.perf_counter() - t0) * 1000
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(f"\nsemantic top-50 over {len(loaded):,} synthetic vectors, {args.runs} queries")
    p50 = statistics.median(times)
    print(f"  paged scan (20,000 a page):  p50 {p50:8.1f} ms  p95 {p95:8.1f} ms"
          f"  peak RSS {peak_paged:6.0f} MB")  # fmt: skip
    print(f"  all in memory (baseline):    {in_memory:8.1f} ms for the dot product alone,"
          f" after loading {matrix.nbytes / 1e6:.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
