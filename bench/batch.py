"""Batch benchmark: images/s of ``ideovault batch`` against baselines measured in the same run.

* ideovault batch — a batch file of N one-image requests through the whole pipeline (claims,
  generation rows, parallel calls within the in-flight cap, downloads, sha256, decode check,
  blob commit, sidecar, catalog), ``--concurrency`` requests in flight.
* seed loop — the seed's way: one request, then its image downloaded and a JSON file rewritten,
  one after the other (timed on a sample, ``--seed-sample``, as its rate is steady).
* raw download limit — the batch's own image URLs fetched again by a thread pool, bytes thrown
  away: what HTTP and the fake CDN alone allow.
* API cap — the in-flight limit divided by the per-call delay: no client can beat it.

Then a separate process runs a 10,000-image batch with no delay and samples its resident
memory as it goes: the figure to watch is the growth from the first tenth to the end.
The fake API runs in its own process, as the real API would. Only ratios are meaningful.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ideovault.config import load_settings
from ideovault.vault import Vault
from ingest import KEY, run_raw, run_seed, start_fake

MAX_IN_FLIGHT = 10  # the fake's (and Ideogram's default) images in progress per organisation


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def write_batch(path: Path, count: int, tag: str) -> None:
    with path.open("w") as fh:
        for i in range(count):
            fh.write(json.dumps({"prompt": f"{tag} product shot number {i}", "seed": i}) + "\n")


def run_batch(
    base: str, home: Path, count: int, concurrency: int, on_tenth: list[float] | None = None
) -> tuple[float, list[str]]:
    """The batch's time, and its image URLs — unless RSS is sampled: loading 10,000 records
    afterwards would be the benchmark's memory, not the batch's."""
    settings = load_settings(home=home, env={}).with_overrides(api_key=KEY, base_url=base)
    path = home.parent / f"{home.name}.jsonl"
    write_batch(path, count, home.name)
    done = [0]

    def on_item(_outcome: object) -> None:
        done[0] += 1
        if on_tenth is not None and done[0] % max(1, count // 10) == 0:
            on_tenth.append(rss_mb())

    with Vault.open(settings=settings) as vault:
        plan = vault.create_batch(path)
        assert plan.batch is not None
        start = time.perf_counter()
        stats = vault.run_batches(plan.batch.id, concurrency=concurrency, on_item=on_item)
        elapsed = time.perf_counter() - start
        assert stats.images_stored == count, stats.to_json()
        urls = [] if on_tenth is not None else [r.original_url or "" for r in vault.list(count)]
    return elapsed, urls


def memory_child(base: str, count: int, concurrency: int) -> None:
    """Run in a fresh process: a ``count``-image batch, RSS sampled every tenth."""
    samples: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        elapsed, _ = run_batch(base, Path(tmp) / "memory", count, concurrency, samples)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"samples": samples, "peak": peak, "elapsed": elapsed}))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--generations", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument(
        "--latency", type=float, default=0.3, help="fake API seconds per call (~3 s scaled /10)"
    )
    parser.add_argument("--download-delay", type=float, default=0.02, help="fake CDN s/image")
    parser.add_argument("--seed-sample", type=int, default=50)
    parser.add_argument("--memory-images", type=int, default=10_000)
    parser.add_argument("--memory-only", action="store_true", help="only the RSS run")
    parser.add_argument("--memory-child", metavar="BASE_URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child, args.memory_images, args.concurrency)
        return

    if not args.memory_only:
        throughput(args)
    memory(args)


def throughput(args: argparse.Namespace) -> None:
    proc, base = start_fake(args.latency, args.download_delay)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            prompts = [f"seed loop product shot number {i}" for i in range(args.seed_sample)]
            (root / "seed").mkdir()
            t_seed = run_seed(base, root / "seed", prompts, 1)
            t_batch, urls = run_batch(base, root / "batch", args.generations, args.concurrency)
            t_raw = run_raw(urls, workers=args.concurrency)
    finally:
        proc.terminate()
        proc.wait(10)
    rate = {
        "batch": args.generations / t_batch,
        "seed": args.seed_sample / t_seed,
        "raw": len(urls) / t_raw,
        "cap": MAX_IN_FLIGHT / args.latency,
    }
    print(
        f"{args.generations} one-image generations, concurrency {args.concurrency}; fake API "
        f"{args.latency} s/call, {args.download_delay} s/download, {MAX_IN_FLIGHT} in flight"
    )
    print(f"  ideovault batch        {rate['batch']:8.1f} images/s ({t_batch:.1f} s)")
    print(f"  seed sequential loop   {rate['seed']:8.1f} images/s ({args.seed_sample} sampled)")
    print(f"  raw download limit     {rate['raw']:8.1f} images/s (no API call, no storage)")
    print(f"  API in-flight cap      {rate['cap']:8.1f} images/s ({MAX_IN_FLIGHT} / latency)")
    print(f"ratio batch / seed loop:          {rate['batch'] / rate['seed']:.2f}x")
    print(f"ratio batch / raw download limit: {rate['batch'] / rate['raw']:.2f}x")
    print(f"ratio batch / API in-flight cap:  {rate['batch'] / rate['cap']:.2f}x")


def memory(args: argparse.Namespace) -> None:

    proc, base = start_fake(0.0, 0.0)
    try:
        child = subprocess.run(
            [sys.executable, __file__, "--memory-child", base, "--memory-images",
             str(args.memory_images), "--concurrency", str(args.concurrency)],
            capture_output=True, check=False, text=True,
        )  # fmt: skip
    finally:
        proc.terminate()
        proc.wait(10)
    if child.returncode != 0:
        raise SystemExit(f"the memory run failed:\n{child.stderr[-3000:]}")
    mem = json.loads(child.stdout.strip().splitlines()[-1])
    samples = mem["samples"]
    print(
        f"memory over a {args.memory_images:,}-image batch ({mem['elapsed']:.0f} s): RSS "
        f"{samples[0]:.0f} MB after the first tenth, {samples[-1]:.0f} MB at the end "
        f"(growth {samples[-1] - samples[0]:+.0f} MB), peak {mem['peak']:.0f} MB"
    )
    print("  RSS by tenth (MB): " + " ".join(f"{s:.0f}" for s in samples))


if __name__ == "__main__":
    main()
