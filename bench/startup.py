"""Start-up benchmark: whole `ideovault` processes against `python -c pass`, same run.

Every command is a fresh process, as a user runs it; the baseline is the bare interpreter
started the same way, interleaved with the others round by round so that the machine's noise
falls on all of them alike. The catalog is bench/search.py's synthetic one (1,000,000 records
by default, built once and reused). Goals (issue 16): `search` <= 8x, `--help` <= 5x, and
`report` <= 1.5x `list --limit 1`. A bare `import sqlalchemy` is timed the same way: the floor
of every command that opens the catalog, whatever ideovault itself does.

    python bench/startup.py                  # 1M records
    python bench/startup.py --rows 100000 --rounds 9
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from search import fill

COMMANDS: list[tuple[str, list[str]]] = [
    ("ideovault --help", ["--help"]),
    ("ideovault search 'portrait tag:poster'", ["search", "portrait tag:poster"]),
    ("ideovault search ... --json", ["search", "portrait tag:poster", "--json"]),
    ("ideovault list --limit 1", ["list", "--limit", "1"]),
    ("ideovault report", ["report"]),
    ("ideovault report --json", ["report", "--json"]),
]


def ideovault() -> list[str]:
    """The installed console script next to this interpreter, else `python -m ideovault`."""
    script = Path(sys.executable).with_name("ideovault")
    return [str(script)] if script.exists() else [sys.executable, "-m", "ideovault"]


def once(argv: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "ideovault-bench")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    db = args.dir / f"search-{args.rows}.db"  # the same file bench/search.py builds and reuses
    url = f"sqlite:///{db}"
    if not db.exists():
        t0 = time.perf_counter()
        fill(url, args.rows)
        print(f"built {args.rows:,} records in {time.perf_counter() - t0:.0f} s ({db})")
    env = {**os.environ, "IDEOVAULT_DATABASE_URL": url, "IDEOVAULT_HOME": str(args.dir / "home")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: modules load from cached bytecode
    once([*ideovault(), "list", "--limit", "1"], env)  # migrate once, warm the page cache
    for _, argv in COMMANDS:
        once([*ideovault(), *argv], env)  # and write every module's bytecode cache

    floor = "python -c 'import sqlalchemy'"
    runs: dict[str, list[float]] = {"python -c pass": [], floor: []}
    runs |= {name: [] for name, _ in COMMANDS}
    for _ in range(args.rounds):
        runs["python -c pass"].append(once([sys.executable, "-c", "pass"], env))
        runs[floor].append(once([sys.executable, "-c", "import sqlalchemy"], env))
        for name, argv in COMMANDS:
            runs[name].append(once([*ideovault(), *argv], env))
    median = {name: statistics.median(times) * 1000 for name, times in runs.items()}
    base = median["python -c pass"]
    print(f"\nwhole processes, {args.rows:,} records, median of {args.rounds} interleaved rounds")
    print(f"  {'process':42} {'ms':>8} {'x python':>9}")
    for name, ms in median.items():
        print(f"  {name:42} {ms:8.1f} {ms / base:8.1f}x")
    listing = median["ideovault list --limit 1"]
    print(f"\n  report / list --limit 1: {median['ideovault report'] / listing:.2f}x"
          f" (--json {median['ideovault report --json'] / listing:.2f}x)")  # fmt: skip


if __name__ == "__main__":
    main()
