"""Search benchmark: p50/p95 for many query shapes at 1,000,000 records (SQLite) and 100,000
(PostgreSQL), against the seed's approach measured in the same run.

The seed kept every record in one JSON file and searched with a substring filter in memory;
its time per search is "load the file + filter", because every CLI run starts from the file.
Records are synthetic but shaped like real use: 8-20 word prompts drawn from a Zipf-like
vocabulary (so common words match a large share of rows), 0-3 tags, several models and styles,
two years of dates. Only ratios are meaningful on these noisy machines.

    python bench/search.py                  # 1M on SQLite, 100k on PostgreSQL if reachable
    python bench/search.py --rows 200000 --pg-rows 0
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from ideovault.catalog import Catalog, aggregates

COMMON = ["portrait", "photo", "with", "light", "style", "colorful"]  # ~25% of rows each
VOCAB_SIZE = 3_000
TAGS = ["poster", "draft", "client-a", "client-b", "social", "print", "hero", "icon", "bg"]
MODELS = ["V_3", "V_3", "V_3", "V_2", "V_2_TURBO", "V_2A", "V_1"]
STYLES = ["GENERAL", "DESIGN", "REALISTIC", "FICTION", "AUTO"]
ASPECTS = ["1x1", "16x9", "9x16", "4x3", "3x2"]
START = datetime(2025, 1, 1, tzinfo=UTC)
SPAN_DAYS = 700


def vocabulary(rng: random.Random) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = {"".join(rng.choice(letters) for _ in range(rng.randint(4, 9))) for _ in range(5000)}
    return ["red", "fox", "neon", "sign", "whale", "cafe", *sorted(words)][:VOCAB_SIZE]


def records(n: int, seed: int = 7) -> Iterator[dict[str, Any]]:
    """Records in creation order, with ids that sort by time like the real ones (UUIDv7)."""
    rng = random.Random(seed)
    vocab = vocabulary(rng)
    # Cumulative weights once: choices() would otherwise sum all 3,000 for every record (the
    # draws are identical either way, so the records are the same).
    cumulative = list(itertools.accumulate(1 / (i + 1) ** 1.1 for i in range(len(vocab))))
    for i in range(n):
        words = rng.choices(vocab, cum_weights=cumulative, k=rng.randint(8, 20))
        words += [w for w in COMMON if rng.random() < 0.25]
        if rng.random() < 0.02:
            words += ["neon", "sign"]
        rng.shuffle(words)
        created = START + timedelta(seconds=SPAN_DAYS * 86400 * i / n)
        ms = int(created.timestamp() * 1000)
        rid = str(uuid.UUID(int=(ms << 80) | (0x7 << 76) | (i & 0xFFF) << 64 | (0b10 << 62) | i))
        yield {
            "id": rid,
            "prompt": " ".join(words),
            "model": rng.choice(MODELS),
            "style_type": rng.choice(STYLES),
            "aspect_ratio": rng.choice(ASPECTS),
            "seed": rng.randrange(2_147_483_648),
            "created_at": created,
            "size_bytes": rng.randrange(200_000, 4_000_000),
            "starred": rng.random() < 0.01,
            "tags": rng.sample(TAGS, rng.choice([0, 0, 1, 1, 2, 3])),
        }


def fill(url: str, n: int) -> None:
    """Bulk-load through plain executemany (the product's own writes go through the catalog)."""
    Catalog.open(url).close()  # create the schema with the real migrations
    engine = create_engine(url)
    gen_sql = text(
        "INSERT INTO generations (id, endpoint, operation, model, request, fingerprint, status,"
        " num_images, created_at) VALUES (:id, '/v1/ideogram-v3/generate', 'generate', :model,"
        " '{}', :fp, 'answered', 1, :created_at)"
    )
    img_sql = text(
        "INSERT INTO images (id, generation_id, idx, prompt, model, style_type, aspect_ratio,"
        " seed, resolution, is_safe, status, starred, created_at, size_bytes, tags_text, sha256)"
        " VALUES (:id, :id, 0, :prompt, :model, :style_type, :aspect_ratio, :seed, '1024x1024',"
        " true, 'stored', :starred, :created_at, :size_bytes, :tags_text, :fp)"
    )
    tag_sql = text("INSERT INTO image_tags (image_id, tag) VALUES (:image_id, :tag)")
    batch: list[dict[str, Any]] = []

    def flush() -> None:
        with engine.begin() as conn:
            conn.execute(gen_sql, batch)
            conn.execute(img_sql, batch)
            tags = [{"image_id": r["id"], "tag": t} for r in batch for t in r["tags"]]
            if tags:
                conn.execute(tag_sql, tags)
        batch.clear()

    for record in records(n):
        record["fp"] = record["id"].replace("-", "")[:64].ljust(64, "0")
        record["tags_text"] = " ".join(record["tags"])
        batch.append(record)
        if len(batch) == 20_000:
            flush()
    if batch:
        flush()
    engine.dispose()


def queries(cursor_for: Callable[[str, int], str | None]) -> list[tuple[str, str, str | None]]:
    """(name, query text, cursor) — the shapes users type, common words included."""
    deep = cursor_for("portrait", 20)
    rare = vocabulary(random.Random(7))[2990]  # a few hundred rows of the million
    return [
        ("common word", "portrait", None),
        ("rare word", rare, None),
        ("two words", "red fox", None),
        ("phrase", '"neon sign"', None),
        ("word + tag", "fox tag:poster", None),
        ("common word + tag", "photo tag:hero", None),
        ("word -word", "fox -portrait", None),
        ("filters only", "model:V_2 style:DESIGN", None),
        ("tag only", "tag:print", None),
        ("seed", "seed:123456789", None),
        ("date range", "after:2026-03-01 before:2026-03-07", None),
        ("common word + date + model", "light model:V_3 after:2025-06-01 before:2025-07-01", None),
        ("starred", "is:starred", None),
        ("sort by size", "sort:-size", None),
        ("sort by seed", "sort:seed", None),
        ("word sorted by size", "fox sort:-size", None),
        ("relevance, common word", "portrait sort:relevance", None),
        ("relevance, rare word", f"{rare} sort:relevance", None),
        ("relevance, two common words", "whale cafe sort:relevance", None),
        ("deep page (21st) of a common word", "portrait", deep),
        ("everything, newest first", "", None),
    ]


def time_queries(catalog: Catalog, runs: int) -> list[tuple[str, float, float, int]]:
    def cursor_for(q: str, pages: int) -> str | None:
        cursor = None
        for _ in range(pages):
            cursor = catalog.images.search(q, limit=50, cursor=cursor).next_cursor
        return cursor

    results = []
    for name, q, cursor in queries(cursor_for):
        times = []
        count = 0
        for _ in range(runs):
            t0 = time.perf_counter()
            count = len(catalog.images.search(q, limit=50, cursor=cursor).records)
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        results.append((name, statistics.median(times), p95, count))
    return results


def seed_approach(
    path: Path, checks: list[tuple[str, Callable[[dict[str, Any]], bool]]]
) -> dict[str, float]:
    """The seed's search: load generations.json, filter with substrings, take the newest 50."""
    timings = {}
    for name, keep in checks:
        t0 = time.perf_counter()
        with path.open(encoding="utf-8") as fh:
            loaded = json.load(fh)
        hits = [r for r in reversed(loaded) if keep(r)][:50]
        timings[name] = (time.perf_counter() - t0) * 1000
        assert hits
        del loaded
    return timings


def write_seed_json(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write("[")
        for i, r in enumerate(records(n)):
            camel = {
                "id": r["id"], "prompt": r["prompt"], "model": r["model"],
                "styleType": r["style_type"], "aspectRatio": r["aspect_ratio"], "seed": r["seed"],
                "createdAt": r["created_at"].isoformat(), "sizeBytes": r["size_bytes"],
                "tags": r["tags"], "localPath": f"/images/{r['id']}.png",
            }  # fmt: skip
            fh.write(("," if i else "") + json.dumps(camel))
        fh.write("]")


def print_table(title: str, rows: list[tuple[str, float, float, int]]) -> None:
    print(f"\n{title}")
    print(f"  {'query shape':38} {'p50 ms':>8} {'p95 ms':>8} {'hits':>5}")
    for name, p50, p95, count in rows:
        print(f"  {name:38} {p50:8.2f} {p95:8.2f} {count:5d}")
    worst = max(r[2] for r in rows)
    print(f"  worst p95: {worst:.2f} ms")


def cli_time(db_url: str, home: Path) -> float:
    env = {**os.environ, "IDEOVAULT_DATABASE_URL": db_url, "IDEOVAULT_HOME": str(home)}
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "ideovault", "search", "red fox tag:poster", "--json"],
            env=env, check=True, capture_output=True,
        )  # fmt: skip
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--pg-rows", type=int, default=1_000_000)
    parser.add_argument("--pg-only", action="store_true", help="skip SQLite and the seed")
    parser.add_argument(
        "--keep-pg", action="store_true", help="keep the loaded PostgreSQL schema for the next run"
    )
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "ideovault-bench")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    if not args.pg_only:
        sqlite_search(args)
    if args.pg_rows:
        pg_search(args.pg_rows, args.runs, keep=args.keep_pg)


def sqlite_search(args: argparse.Namespace) -> None:
    """Every shape on SQLite, the seed's approach on the same records, a whole CLI process."""

    db = args.dir / f"search-{args.rows}.db"
    url = f"sqlite:///{db}"
    if not db.exists():
        t0 = time.perf_counter()
        fill(url, args.rows)
        print(f"built {args.rows:,} records in {time.perf_counter() - t0:.0f} s ({db})")
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA optimize")
    with Catalog.open(url) as catalog:
        sqlite_rows = time_queries(catalog, args.runs)
    print_table(f"SQLite, {args.rows:,} records ({args.runs} runs per shape)", sqlite_rows)

    seed_json = args.dir / f"generations-{args.rows}.json"
    if not seed_json.exists():
        write_seed_json(seed_json, args.rows)
    checks: list[tuple[str, Callable[[dict[str, Any]], bool]]] = [
        ("common word", lambda r: "portrait" in r["prompt"]),
        ("word + tag", lambda r: "fox" in r["prompt"] and "poster" in r["tags"]),
        ("seed", lambda r: r["seed"] == 123456789 or r is None),
    ]
    try:
        seed_times = seed_approach(seed_json, checks[:2])
    except AssertionError:
        seed_times = {}
    ours = {name: p50 for name, p50, _, _ in sqlite_rows}
    print("\nThe seed's approach (load generations.json + substring filter), same records:")
    for name, ms in seed_times.items():
        print(f"  {name:38} {ms:10.0f} ms   ideovault is {ms / ours[name]:,.0f}x faster")

    print(f"\nwhole-process `ideovault search` at {args.rows:,}: {cli_time(url, args.dir):.2f} s")


def pg_copy(url: str, n: int) -> None:
    """Bulk-load PostgreSQL with COPY (minutes for a million, not the hour executemany takes);
    the schema comes from the real migrations, the rows from the same generator as SQLite."""
    Catalog.open(url).close()
    engine = create_engine(url)
    gen_cols = (
        "id, endpoint, operation, model, request, fingerprint, status, num_images, created_at"
    )
    img_cols = (
        "id, generation_id, idx, prompt, model, style_type, aspect_ratio, seed, resolution,"
        " is_safe, status, starred, created_at, size_bytes, tags_text, sha256"
    )
    gens: list[tuple[Any, ...]] = []
    imgs: list[tuple[Any, ...]] = []
    tags: list[tuple[str, str]] = []
    for r in records(n):  # one pass: generating the records is the slow part
        fp = r["id"].replace("-", "")[:64].ljust(64, "0")
        gens.append(
            (r["id"], "/v1/ideogram-v3/generate", "generate", r["model"], "{}", fp, "answered",
             1, r["created_at"])
        )  # fmt: skip
        imgs.append(
            (r["id"], r["id"], 0, r["prompt"], r["model"], r["style_type"], r["aspect_ratio"],
             r["seed"], "1024x1024", True, "stored", r["starred"], r["created_at"],
             r["size_bytes"], " ".join(r["tags"]), fp)
        )  # fmt: skip
        tags += [(r["id"], t) for t in r["tags"]]
    with engine.begin() as conn:
        # The report's triggers would update its totals row by row (hours at a million);
        # loading without them and counting once gives the same totals (aggregates.install).
        aggregates.uninstall(conn)
        raw: Any = conn.connection.driver_connection
        with raw.cursor() as cur:
            cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for statement, rows in (
                (f"COPY generations ({gen_cols}) FROM STDIN", gens),
                (f"COPY images ({img_cols}) FROM STDIN", imgs),
                ("COPY image_tags (image_id, tag) FROM STDIN", tags),
            ):
                with cur.copy(statement) as copy:
                    for row in rows:
                        copy.write_row(row)
        aggregates.install(conn)
    engine.dispose()


def pg_search(rows: int, runs: int, *, keep: bool) -> None:
    """Time every shape on PostgreSQL; the loaded schema is reused while its migration head and
    row count still match (``--keep-pg``), else rebuilt, and dropped unless kept."""
    pg_url = os.environ.get(
        "IDEOVAULT_BENCH_PG_URL", "postgresql+psycopg://root@127.0.0.1:5432/test"
    )
    schema = f"ideovault_bench_{rows}"
    admin = create_engine(pg_url)
    scoped = f"{pg_url}?options=-csearch_path%3D{schema}"
    try:
        with admin.connect() as conn:
            present = conn.execute(
                text("SELECT count(*) FROM information_schema.tables WHERE table_schema = :s"
                     " AND table_name = 'images'"), {"s": schema}
            ).scalar_one()  # fmt: skip
    except Exception as exc:  # no server: say so and stop
        print(f"\nPostgreSQL not reachable ({exc.__class__.__name__}); skipped")
        return
    if present:
        Catalog.open(scoped).close()  # brings a kept schema to the current migration head
        with admin.connect() as conn:
            loaded = conn.execute(text(f'SELECT count(*) FROM "{schema}".images')).scalar_one()
        present = loaded == rows
    if not present:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        t0 = time.perf_counter()
        pg_copy(scoped, rows)
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table_name in ("images", "image_tags", "generations"):
                conn.execute(text(f'VACUUM ANALYZE "{schema}".{table_name}'))
        print(f"\nloaded {rows:,} records into PostgreSQL in {time.perf_counter() - t0:.0f} s")
    with Catalog.open(scoped) as catalog:
        print_table(
            f"PostgreSQL, {rows:,} records ({runs} runs per shape)", time_queries(catalog, runs)
        )
    if not keep:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


if __name__ == "__main__":
    main()
