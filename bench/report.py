"""Report benchmark: the report from running totals against a recount of every row, and the
gallery's report page over real HTTP, on bench/search.py's synthetic catalog (1M by default).

The baseline, measured in the same run, is ``report --exact``: the GROUP BY over every row that
the report used to run. The page time is the server's answer over loopback (the same server
``ideovault serve`` runs), p50/p95.

    python bench/report.py                  # 1,000,000 records
    python bench/report.py --rows 100000
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from ideovault.config import load_settings
from ideovault.vault import Vault
from ideovault.web import create_app
from ideovault.web.serve import ServerThread
from search import fill


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--exact-runs", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "ideovault-bench")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    db = args.dir / f"search-{args.rows}.db"  # the same file bench/search.py builds and reuses
    url = f"sqlite:///{db}"
    if not db.exists():
        t0 = time.perf_counter()
        fill(url, args.rows)
        print(f"built {args.rows:,} records in {time.perf_counter() - t0:.0f} s ({db})")
    settings = load_settings(home=args.dir / f"home-{args.rows}", database_url=url, env={})
    with Vault.open(settings=settings) as vault:
        report = vault.images.report
        assert report() == report(exact=True)  # the totals agree with the rows
        fast, fast95 = timed(vault.images.report, args.runs)
        exact, exact95 = timed(lambda: vault.images.report(exact=True), args.exact_runs)
        with ServerThread(create_app(vault)) as server, httpx.Client(base_url=server.url) as web:
            web.get("/report").raise_for_status()
            page, page95 = timed(lambda: web.get("/report").raise_for_status(), args.runs)
            api, api95 = timed(lambda: web.get("/api/report").raise_for_status(), args.runs)
    print(f"\nreport at {args.rows:,} records, ms (p50 / p95)")
    print(f"  report --exact (recount every row; baseline) {exact:9.1f} {exact95:9.1f}")
    print(f"  report (running totals)                      {fast:9.1f} {fast95:9.1f}"
          f"   {exact / fast:,.0f}x faster")  # fmt: skip
    print(f"  gallery page /report over HTTP               {page:9.1f} {page95:9.1f}")
    print(f"  GET /api/report over HTTP                    {api:9.1f} {api95:9.1f}")


if __name__ == "__main__":
    main()
