"""MCP benchmark: what a `search` tool call costs through `ideovault mcp` against the same
search through the Python API (``vault.images.search``), same vault, same run.

The vault is filled through the fake Ideogram API (real downloads, real blobs), so results
carry real thumbnails. Measured per query, p50 / p95 ms over --runs calls, after one warm-up
call (which also makes the cached thumbnails):

* Python API: ``vault.images.search(query, limit=20)`` in this process — the baseline;
* MCP stdio, no thumbnails: the SDK's client calling `search` (thumbnails=0) on an
  `ideovault mcp` subprocess — JSON-RPC over a pipe, argument validation, a worker thread,
  the records as JSON;
* MCP stdio, 6 thumbnails: the same with the default thumbnails (base64 WebP images);
* MCP in-process: the SDK's client on the same server object without a pipe, which splits
  the overhead into the SDK's own and the transport's.

    python bench/mcp.py                   # 25 generations of 4 images, 30 runs per query
    python bench/mcp.py --generations 50 --runs 50
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and `mcp` would be this file,
# not the SDK: take the folder off before importing it.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import anyio  # noqa: E402
from mcp import Client  # noqa: E402
from mcp.client.stdio import StdioServerParameters  # noqa: E402

from ideogram_fake import FakeConfig, FakeServer  # noqa: E402
from ideovault.config import load_settings  # noqa: E402
from ideovault.mcp.server import build_server  # noqa: E402
from ideovault.vault import Vault  # noqa: E402
from ideovault.vault.sending import SendOptions  # noqa: E402

KEY = "bench-key-not-secret"
QUERIES = ["", "fox", "tag:poster", "red fox sort:relevance"]
WORDS = ["red fox", "blue whale", "neon cafe", "paper lighthouse", "green tea"]
SRC = str(Path(__file__).resolve().parents[1] / "src")


def percentiles(times: list[float]) -> tuple[float, float]:
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return percentiles(times)


async def timed_async(fn: Callable[[], Awaitable[object]], runs: int) -> tuple[float, float]:
    await fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        await fn()
        times.append((time.perf_counter() - t0) * 1000)
    return percentiles(times)


def fill(vault: Vault, generations: int) -> None:
    for n in range(generations):
        tags = ["poster"] if n % 3 == 0 else ["draft"]
        vault.generations.generate(
            f"{WORDS[n % len(WORDS)]} number {n}",
            num_images=4,
            seed=n,
            options=SendOptions(tags=tuple(tags)),
        )


async def over_mcp(client: Client, runs: int, thumbnails: int) -> dict[str, tuple[float, float]]:
    out = {}
    for query in QUERIES:
        arguments = {"query": query, "limit": 20, "thumbnails": thumbnails}

        async def call(a: dict[str, object] = arguments) -> None:
            result = await client.call_tool("search", a)
            assert not result.is_error

        out[query] = await timed_async(call, runs)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generations", type=int, default=25)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, FakeServer(FakeConfig(api_key=KEY)) as fake:
        home = Path(tmp) / "home"
        settings = load_settings(home=home, env={}).with_overrides(
            api_key=KEY, base_url=fake.base_url
        )
        with Vault.open(settings=settings) as vault:
            t0 = time.perf_counter()
            fill(vault, args.generations)
            print(f"vault: {args.generations * 4} images in {time.perf_counter() - t0:.0f} s")
            search = vault.images.search
            python = {q: timed(lambda q=q: search(q, limit=20), args.runs) for q in QUERIES}
            env = {
                "IDEOVAULT_HOME": str(home), "IDEOGRAM_API_KEY": KEY,
                "IDEOGRAM_BASE_URL": fake.base_url,
                "PYTHONPATH": os.pathsep.join([SRC, os.environ.get("PYTHONPATH", "")]),
            }  # fmt: skip
            params = StdioServerParameters(
                command=sys.executable, args=["-m", "ideovault", "mcp"], env=env
            )

            async def measure() -> list[dict[str, tuple[float, float]]]:
                async with Client(params) as client:
                    bare = await over_mcp(client, args.runs, 0)
                    pictures = await over_mcp(client, args.runs, 6)
                async with Client(build_server(vault)) as client:
                    inproc = await over_mcp(client, args.runs, 0)
                return [bare, pictures, inproc]

            bare, pictures, inproc = anyio.run(measure)
    print(f"\nsearch, limit 20: p50 / p95 ms over {args.runs} runs; ratio = p50 / Python API p50")
    print(
        f"  {'query':26} {'python':>8} {'stdio':>8} {'ratio':>6} "
        f"{'+thumbs':>8} {'ratio':>6} {'in-proc':>8} {'ratio':>6}"
    )
    for q in QUERIES:
        base = python[q][0]
        cells = [f"{m[q][0]:8.2f} {m[q][0] / base:5.1f}x" for m in (bare, pictures, inproc)]
        print(f"  {q!r:26} {base:8.2f} " + " ".join(cells))
    print("  p95:", {repr(q): round(bare[q][1], 2) for q in QUERIES})


if __name__ == "__main__":
    main()
