"""Load benchmark: 200 concurrent clients on the REST list route, against the ideal throughput.

The ideal is what the machine could serve if nothing ever waited: cores ÷ the CPU seconds one
request costs the server, measured in the same run by sending requests one at a time and
reading the server processes' CPU time from /proc. Then ``--clients`` connections ask for the
first page at once, again and again, for ``--requests`` requests in total (or ``--seconds``,
whichever ends first); the ratio is the throughput reached ÷ that ideal. The server is a real
``ideovault serve`` process (``--workers 1`` and ``--workers N``); the clients are plain
asyncio HTTP/1.1 keep-alive connections, far cheaper per request than the server, so they
take little of the cores being measured. Linux only (/proc).

    python bench/load.py                      # a 19-image vault, 200 clients, 1 and 2 workers
    python bench/load.py --clients 50 --requests 2000 --workers 1 2 4
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from search import fill

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(root: int) -> float:
    """User + system CPU of a process and its children (the workers), from /proc."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry.name), int(fields[1])
        if pid == root or ppid == root:
            total += (int(fields[11]) + int(fields[12])) / TICKS
    return total


async def client(
    host: str, port: int, path: str, deadline: float, budget: list[int], latencies: list[float]
) -> int:
    """One keep-alive connection asking for ``path`` until the budget or the time is spent;
    returns the number of failed requests."""
    reader, writer = await asyncio.open_connection(host, port)
    request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
    errors = 0
    try:
        while budget[0] > 0 and time.perf_counter() < deadline:
            budget[0] -= 1
            t0 = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = re.search(rb"(?i)content-length:\s*(\d+)", head)
            await reader.readexactly(int(length.group(1)) if length else 0)
            latencies.append(time.perf_counter() - t0)
            errors += not head.startswith(b"HTTP/1.1 200")
    except (OSError, asyncio.IncompleteReadError):
        errors += 1
    finally:
        writer.close()
    return errors


async def load(
    url: str, path: str, clients: int, requests: int, seconds: float
) -> tuple[int, float, list[float], int]:
    host, port = url.removeprefix("http://").split(":")
    budget, latencies = [requests], []
    deadline = time.perf_counter() + seconds
    t0 = time.perf_counter()
    results = await asyncio.gather(
        *(client(host, int(port), path, deadline, budget, latencies) for _ in range(clients)),
        return_exceptions=True,
    )
    wall = time.perf_counter() - t0
    errors = sum(r if isinstance(r, int) else 1 for r in results)
    return len(latencies), wall, latencies, errors


def start_server(workers: int, home: Path, db_url: str) -> tuple[subprocess.Popen[str], str]:
    env = {**os.environ, "IDEOVAULT_DATABASE_URL": db_url, "IDEOVAULT_HOME": str(home)}
    env["PYTHONUNBUFFERED"] = "1"  # the address line must arrive before the server blocks
    command = [sys.executable, "-m", "ideovault", "serve", "--port", "0"]
    if workers > 1:
        command += ["--workers", str(workers)]
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert server.stdout is not None
    for line in server.stdout:  # `serve` says where it listens on stderr (merged here)
        found = re.search(r"gallery: (http://[\d.]+:\d+)/", line)
        if found:
            # keep reading what it logs, or a full pipe would stall the server
            threading.Thread(target=server.stdout.read, daemon=True).start()
            return server, found.group(1)
    raise RuntimeError("the server did not start")


def run(workers: int, home: Path, db_url: str, args: argparse.Namespace) -> None:
    path = "/api/images?limit=60"
    server, url = start_server(workers, home, db_url)
    try:
        asyncio.run(load(url, path, min(workers * 4, 8), 200, 30))  # warm every worker
        cpu0 = cpu_seconds(server.pid)
        done, wall, _, errors = asyncio.run(load(url, path, 1, args.alone, 60))
        per_request = (cpu_seconds(server.pid) - cpu0) / done
        ideal = (os.cpu_count() or 1) / per_request
        cpu0 = cpu_seconds(server.pid)
        done, wall, latencies, errors = asyncio.run(
            load(url, path, args.clients, args.requests, args.seconds)
        )
        loaded_cpu = cpu_seconds(server.pid) - cpu0
    finally:
        server.terminate()
        server.wait(10)
    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    p95 = latencies[round(0.95 * (len(latencies) - 1))] * 1000
    rate = done / wall
    print(
        f"  workers={workers}: {per_request * 1000:.2f} ms CPU a request alone -> ideal "
        f"{ideal:.0f}/s on {os.cpu_count()} cores; {args.clients} clients: {done} requests in "
        f"{wall:.1f} s = {rate:.0f}/s, p50 {p50:.0f} ms, p95 {p95:.0f} ms, {errors} errors; "
        f"{rate / ideal:.2f}x the ideal"
    )
    # On a machine shared with other work the server gets less than every core: say how much
    # it had, and whether a request cost more CPU under load than alone (waiting costs none).
    print(
        f"    the server had {loaded_cpu / wall:.2f} of {os.cpu_count()} cores during the run; "
        f"{loaded_cpu / done * 1000:.2f} ms CPU a request under load "
        f"({per_request / (loaded_cpu / done):.2f}x as efficient as alone); throughput "
        f"{rate / (loaded_cpu / wall / per_request):.2f}x what the cores it had allow"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, default=19)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--alone", type=int, default=300, help="requests one at a time")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{tmp}/catalog.db"
        fill(db_url, args.records)
        print(f"REST list route (/api/images?limit=60), a {args.records}-record vault")
        for workers in args.workers:
            run(workers, Path(tmp) / "home", db_url, args)


if __name__ == "__main__":
    main()
