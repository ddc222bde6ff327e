"""Vector index benchmark: semantic top-50 through the index (catalog/vector_index.py) against
the exact full scan it replaced (``semantic.exact_top``), measured in the same run.

Embedding a million real prompts takes over half an hour here, so the vectors are synthetic:
384-dimension unit vectors in clusters (a few thousand centres, each vector its centre plus as
much noise again), so that a query has near neighbours and recall means something. Each search
runs in a child process that does nothing else, so its peak RSS (ru_maxrss) is the searching
process's. Recall@50 is the share of the exact top-50 (numpy over every vector) that the index
returns, averaged over the queries, for each oversampling tried.

On PostgreSQL the catalog's inverted lists are trained after loading (what ``backfill`` does,
catalog/vector_lists.py), and the full server scan of every code is measured beside them.

    python bench/vector.py --rows 100000                 # SQLite, a quick run
    python bench/vector.py --rows 1000000 --pg-rows 100000
    python bench/vector.py --rows 0 --pg-rows 100000 --nprobe 8,16,32
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
from sqlalchemy import Engine, create_engine, text

from ideovault.catalog import Catalog, aggregates, vector_index, vector_lists, vector_math
from ideovault.catalog.engine import HEAD

MODEL = "all-MiniLM-L6-v2"
DIMS = 384
CHUNK = 20_000
WHEN = datetime(2026, 1, 1, tzinfo=UTC)
NOISE = 1.0  # noise per vector, times its centre's length (--noise: looser clusters)


def clustered(n: int, seed: int) -> Iterator[np.ndarray]:
    """``n`` unit vectors in chunks, the same for the same seed: centre + noise, normalised."""
    centres = np.random.default_rng(1234).standard_normal((max(1, n // 250), DIMS))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    rng = np.random.default_rng(seed)
    for start in range(0, n, CHUNK):
        size = min(CHUNK, n - start)
        picked = centres[rng.integers(0, len(centres), size)]
        noise = NOISE * rng.standard_normal((size, DIMS)) / np.sqrt(DIMS)
        vectors = (picked + noise).astype(np.float32)
        yield vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def queries(n: int, rows: int) -> np.ndarray:
    """``n`` query vectors drawn like the stored ones (same centres), from another seed."""
    centres = np.random.default_rng(1234).standard_normal((max(1, rows // 250), DIMS))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    rng = np.random.default_rng(99)
    picked = centres[rng.integers(0, len(centres), n)]
    noise = NOISE * rng.standard_normal((n, DIMS)) / np.sqrt(DIMS)
    vectors = (picked + noise).astype(np.float32)
    result: np.ndarray = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return result


# -- building ---------------------------------------------------------------------------------


def build(url: str, n: int, matrix_path: Path) -> None:
    """The catalog with ``n`` embedded images (reused while it has them) and the same vectors
    in a .npy file for the exact answers."""
    with Catalog.open(url) as catalog, catalog.engine.connect() as conn:
        have = conn.execute(text("SELECT count(*) FROM vector_codes")).scalar_one()
    if have == n and matrix_path.exists():
        return
    print(f"  loading {n:,} vectors into {url.split('?')[0]} …", flush=True)
    started = time.perf_counter()
    engine = create_engine(url)
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as conn:
        tables = ("vector_lists", "vector_training", "vector_codes", "image_embeddings")
        for table in (*tables, "images", "generations"):
            conn.execute(text(f"DELETE FROM {table}"))
    if postgres:
        with engine.begin() as conn:
            aggregates.uninstall(conn)  # back, with one recount, once the rows are in
    matrix = np.lib.format.open_memmap(matrix_path, mode="w+", dtype=np.float32, shape=(n, DIMS))
    done = 0
    for vectors in clustered(n, seed=7):
        ids = [f"{done + i:036d}" for i in range(len(vectors))]
        matrix[done : done + len(vectors)] = vectors
        codes = vector_math.quantize(vectors)
        code_values: list[Any] = (
            [(np.unpackbits(c) + ord("0")).tobytes().decode() for c in codes]
            if postgres
            else [c.tobytes() for c in codes]
        )
        if postgres:
            copy_chunk(engine, ids, vectors, code_values)
            done += len(vectors)
            continue
        with engine.begin() as conn:
            rows = [{"id": i, "when": WHEN} for i in ids]
            conn.execute(
                text(
                    "INSERT INTO generations (id, endpoint, operation, model, request,"
                    " fingerprint, status, num_images, created_at) VALUES (:id, '/', 'generate',"
                    " 'V_3', '{}', 'f', 'answered', 1, :when)"
                ),
                rows,
            )
            conn.execute(
                text(
                    "INSERT INTO images (id, generation_id, idx, prompt, model, is_safe, status,"
                    " starred, created_at) VALUES (:id, :id, 0, 'p', 'V_3', true, 'stored',"
                    " false, :when)"
                ),
                rows,
            )
            conn.execute(
                text("INSERT INTO image_embeddings (image_id, model, vector) VALUES (:i, :m, :v)"),
                [{"i": i, "m": MODEL, "v": v.tobytes()} for i, v in zip(ids, vectors, strict=True)],
            )
            conn.execute(
                vector_index.SQLITE_ADD,
                [{"i": i, "m": MODEL, "c": c} for i, c in zip(ids, code_values, strict=True)],
            )
        done += len(vectors)
    matrix.flush()
    if postgres:
        with engine.begin() as conn:
            aggregates.install(conn)  # the report's triggers, off during the load; one recount
        with engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
    engine.dispose()
    print(f"  loaded in {time.perf_counter() - started:.0f} s", flush=True)


def exact_answers(matrix_path: Path, qs: np.ndarray, k: int) -> list[set[int]]:
    """The true top-k row numbers of each query (numpy over every vector, a slab at a time)."""
    matrix = np.load(matrix_path, mmap_mode="r")
    best: list[list[tuple[float, int]]] = [[] for _ in qs]
    for start in range(0, len(matrix), 200_000):
        scores = np.asarray(matrix[start : start + 200_000]) @ qs.T
        for j in range(len(qs)):
            top = np.argpartition(-scores[:, j], k - 1)[:k]
            best[j] += [(float(scores[t, j]), start + int(t)) for t in top]
    return [{r for _, r in sorted(b, reverse=True)[:k]} for b in best]


# -- searching (in a child process) -----------------------------------------------------------


def child(url: str, mode: str, args: argparse.Namespace) -> None:
    """Search and report times, results and this process's peak RSS as JSON on stdout."""
    from ideovault.vault import semantic

    qs = queries(args.queries, args.rows)
    oversample = [int(f) for f in args.oversample.split(",")]
    probes = [int(p) for p in args.nprobe.split(",")] if args.nprobe else [vector_lists.NPROBE]
    out: dict[str, Any] = {"runs": []}
    with Catalog.open(url) as catalog:
        if mode == "exact":
            ctx: Any = SimpleNamespace(catalog=catalog)  # exact_top reads only the catalog
            times, cpu, found = [], [], []
            for q in qs:
                t0, c0 = time.perf_counter(), time.process_time()
                found.append([int(i) for i, _ in semantic.exact_top(ctx, q, 50)])
                times.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.process_time() - c0) * 1000)
            out["runs"].append(
                {"oversample": 0, "nprobe": 0, "times": times, "cpu": cpu, "found": found}
            )
        else:
            index: Any = catalog.vectors.open(MODEL)
            if mode == "scan":  # PostgreSQL without its lists: every code scanned
                index = vector_index.ServerScan(catalog.engine, MODEL, lists=False)
            t0 = time.perf_counter()
            index.search(qs[0], 50)  # the first search of a process reads the codes (SQLite)
            out["first_ms"] = (time.perf_counter() - t0) * 1000
            out["kind"] = index.kind
            for factor in oversample:
                for nprobe in probes if index.kind == vector_index.ServerScan.LISTS else [0]:
                    vector_math.OVERSAMPLE = factor  # where candidates() reads them
                    vector_math.MIN_CANDIDATES = 50 * factor
                    vector_lists.NPROBE = nprobe
                    times, cpu, found = [], [], []
                    for q in qs:
                        t0, c0 = time.perf_counter(), time.process_time()
                        found.append([int(i) for i, _ in index.search(q, 50)])
                        times.append((time.perf_counter() - t0) * 1000)
                        cpu.append((time.process_time() - c0) * 1000)
                    scanned = nprobe and probed(catalog, qs)  # lists scanned on average
                    out["runs"].append({"oversample": factor, "nprobe": scanned, "times": times,
                                        "cpu": cpu, "found": found})  # fmt: skip
    out["rss_mb"] = peak_rss_mb()
    print(json.dumps(out))


def probed(catalog: Catalog, qs: np.ndarray) -> float:
    """Lists a top-50 scans on average (``NPROBE`` at least, more for many candidates)."""
    with catalog.engine.connect() as conn:
        lists = vector_lists.current(conn, MODEL)
    return statistics.mean(len(lists.probe(q, 50)) for q in qs) if lists else 0


def peak_rss_mb() -> float:
    """This process's peak RSS. VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the
    parent through fork and exec, so a child of this (large) parent would report the parent."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux


def run_child(url: str, mode: str, args: argparse.Namespace, n_queries: int) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", mode, "--url", url, "--rows", str(args.rows),
               "--queries", str(n_queries), "--oversample", args.oversample,
               "--nprobe", args.nprobe, "--noise", str(args.noise)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"search child failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


def suffix() -> str:
    """Names of the stored data for a noise other than the default."""
    return "" if NOISE == 1.0 else f"-noise{NOISE:g}"


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(title: str, url: str, rows: int, args: argparse.Namespace, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    matrix_path = folder / f"vectors-{rows}{suffix()}.npy"
    build(url, rows, matrix_path)
    postgres = url.startswith("postgresql")
    if postgres:
        train(url)
    if args.build_only:
        return
    truth = exact_answers(matrix_path, queries(args.queries, rows), 50)
    exact = run_child(url, "exact", args, args.exact_queries)
    index = run_child(url, "index", args, args.queries)
    scan = run_child(url, "scan", args, args.queries) if postgres else None
    base = exact["runs"][0]
    base_p95 = p95(base["times"])
    print(f"\n{title}: semantic top-50 over {rows:,} synthetic vectors")
    print(f"  exact scan (baseline):  p50 {statistics.median(base['times']):8.1f} ms"
          f"  p95 {base_p95:8.1f} ms  (CPU p95 {p95(base['cpu']):8.1f} ms)"
          f"  peak RSS {exact['rss_mb']:5.0f} MB  ({args.exact_queries} queries)")  # fmt: skip
    print(
        f"  index: {index['kind']}; first search of a process {index['first_ms']:.0f} ms;"
        f" peak RSS {index['rss_mb']:.0f} MB ({index['rss_mb'] / exact['rss_mb']:.2f}x)"
    )
    report(index, truth, base_p95)
    if scan is not None:
        print(f"  without the lists: {scan['kind']}; peak RSS {scan['rss_mb']:.0f} MB")
        report(scan, truth, base_p95)


def report(index: dict[str, Any], truth: list[set[int]], base_p95: float) -> None:
    for run in index["runs"]:
        recall = statistics.mean(
            len(truth[j] & set(found)) / 50 for j, found in enumerate(run["found"])
        )
        ratio = base_p95 / p95(run["times"])
        probes = f", {run['nprobe']:.0f} lists" if run["nprobe"] else ""
        print(f"  oversample {run['oversample']:3d} ({50 * run['oversample']:6,}"
              f" candidates){probes}:"
              f" p50 {statistics.median(run['times']):6.1f} ms  p95 {p95(run['times']):6.1f} ms"
              f" (CPU p95 {p95(run['cpu']):5.1f} ms; {ratio:5.0f}x faster)"
              f"  recall@50 {recall:.3f}")  # fmt: skip


def copy_chunk(engine: Engine, ids: list[str], vectors: np.ndarray, codes: list[Any]) -> None:
    """PostgreSQL: one chunk by COPY (row-by-row inserts took ten minutes for 100,000); the
    report's triggers are off for the load (put back, the totals counted once, after it)."""
    with engine.begin() as conn:
        raw: Any = conn.connection.driver_connection
        with raw.cursor() as cur:
            for statement, rows in (
                (
                    "COPY generations (id, endpoint, operation, model, request, fingerprint,"
                    " status, num_images, created_at) FROM STDIN",
                    [(i, "/", "generate", "V_3", "{}", "f", "answered", 1, WHEN) for i in ids],
                ),
                (
                    "COPY images (id, generation_id, idx, prompt, model, is_safe, status,"
                    " starred, created_at) FROM STDIN",
                    [(i, i, 0, "p", "V_3", True, "stored", False, WHEN) for i in ids],
                ),
                (
                    "COPY image_embeddings (image_id, model, vector) FROM STDIN",
                    [(i, MODEL, v.tobytes()) for i, v in zip(ids, vectors, strict=True)],
                ),
                (
                    "COPY vector_codes (image_id, model, code) FROM STDIN",
                    [(i, MODEL, c) for i, c in zip(ids, codes, strict=True)],
                ),
            ):
                with cur.copy(statement) as copy:
                    for row in rows:
                        copy.write_row(row)


def train(url: str) -> None:
    """PostgreSQL: the inverted lists, trained as ``backfill`` trains them (if due)."""
    with Catalog.open(url) as catalog:
        started = time.perf_counter()
        lists = catalog.vectors.train_if_due(MODEL)
        if lists:
            print(f"  trained {lists:,} lists in {time.perf_counter() - started:.0f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="vectors on SQLite (0: none)")
    parser.add_argument("--pg-rows", type=int, default=0, help="vectors on PostgreSQL")
    parser.add_argument("--pg-url", default="postgresql+psycopg://root@127.0.0.1:5432/test")
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--exact-queries", type=int, default=5, help="for the slow baseline")
    parser.add_argument("--oversample", default="10,20,40", help="candidates per result")
    parser.add_argument("--nprobe", default="", help="PostgreSQL: lists scanned at least")
    parser.add_argument("--noise", type=float, default=1.0, help="looser clusters: 2, 3")
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "ideovault-vec")
    parser.add_argument("--build-only", action="store_true", help="load the vectors, stop")
    parser.add_argument("--child", choices=["exact", "index", "scan"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    global NOISE
    NOISE = args.noise
    if args.child:
        child(args.url, args.child, args)
        return
    args.dir.mkdir(parents=True, exist_ok=True)
    if args.rows:
        url = f"sqlite:///{args.dir / f'vectors-{args.rows}{suffix()}.db'}"
        measure("SQLite", url, args.rows, args, args.dir)
    if args.pg_rows:
        schema = f"ideovault_vec_{args.pg_rows}{suffix()}_{HEAD}".replace(".", "_").replace(
            "-", "_"
        )
        admin = create_engine(args.pg_url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        admin.dispose()
        url = f"{args.pg_url}?options=-csearch_path%3D{schema}"
        args.rows = args.pg_rows
        measure("PostgreSQL", url, args.pg_rows, args, args.dir / "pg")


if __name__ == "__main__":
    main()
