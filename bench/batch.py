"""Batch benchmark: images/s of ``ideovault batch`` against baselines measured in the same run.

* ideovault batch, default — a batch file of N one-image requests through the whole pipeline
  (claims, generation rows, parallel calls within the in-flight cap, downloads, sha256, decode
  check, blob commit, sidecar, catalog) with no ``--concurrency``: the limiter's cap (10).
* ideovault batch, ``--concurrency 10`` (and any ``--concurrency`` given: the old default, 4).
* bare thread pool — 10 threads doing the same calls and downloads and writing each image to a
  file, nothing else: what one process can get out of the API with no bookkeeping at all.
* seed loop — the seed's way: one request, then its image downloaded and a JSON file rewritten,
  one after the other (timed on a sample, ``--seed-sample``, as its rate is steady).
* API cap — the in-flight limit divided by the per-call delay: no client can beat it.

Then a separate process runs a 10,000-image batch with no delay and samples its resident
memory as it goes: the figure to watch is the peak, and the growth from the first tenth to
the end. Each mode's CPU time per image (this process's, all threads) is printed too: on a
loaded machine the fake API's own rendering competes with the client for the same cores.
The fake API runs in its own process, as the real API would. Only ratios are
meaningful; every rate is measured in the same run. Every mode asks for the same full-size
(~1 MP) images, which the fake renders once before timing: rendering is the API's work, done on
its machines, not the client's (``--fresh-renders``: a new image per call in every mode, the
fake's rendering competing with the client for the same cores, as earlier runs measured).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from ideovault.config import load_settings
from ideovault.vault import Vault
from ingest import KEY, run_seed, start_fake

MAX_IN_FLIGHT = 10  # the fake's (and Ideogram's default) images in progress per organisation


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def prompts_of(tag: str, count: int) -> list[str]:
    return [f"{tag} product shot number {i}" for i in range(count)]


def write_batch(path: Path, prompts: list[str]) -> None:
    """One-image requests with seed 1, as the pool and the seed loop send them: the same
    prompt is the same image for every mode (what the fake's render cache keys on)."""
    with path.open("w") as fh:
        for prompt in prompts:
            fh.write(json.dumps({"prompt": prompt, "seed": 1}) + "\n")


def run_batch(
    base: str,
    home: Path,
    prompts: list[str],
    concurrency: int | None,
    on_tenth: list[float] | None = None,
    cpu: list[float] | None = None,
    stored: list[int] | None = None,
) -> float:
    """The batch's time (``concurrency`` None: the default width); its CPU time to ``cpu``.
    Every image must be stored, unless ``stored`` is given: then the count goes there (the
    memory run reports it rather than losing half an hour of samples to one failed item)."""
    count = len(prompts)
    settings = load_settings(home=home, env={}).with_overrides(api_key=KEY, base_url=base)
    path = home.parent / f"{home.name}.jsonl"
    write_batch(path, prompts)
    done = [0]

    def on_item(_outcome: object) -> None:
        done[0] += 1
        if on_tenth is not None and done[0] % max(1, count // 10) == 0:
            on_tenth.append(rss_mb())

    with Vault.open(settings=settings) as vault:
        plan = vault.batches.create(path)
        assert plan.batch is not None
        start, cpu0 = time.perf_counter(), time.process_time()
        stats = vault.batches.run(plan.batch.id, concurrency=concurrency, on_item=on_item)
        elapsed = time.perf_counter() - start
        if cpu is not None:
            cpu.append(time.process_time() - cpu0)
        if stored is not None:
            stored.append(stats.images_stored)
        else:
            assert stats.images_stored == count, stats.to_json()
    return elapsed


def memory_child(base: str, count: int, concurrency: int | None) -> None:
    """Run in a fresh process: a ``count``-image batch, RSS sampled every tenth."""
    samples: list[float] = []
    stored: list[int] = []
    with tempfile.TemporaryDirectory() as tmp:
        elapsed = run_batch(
            base, Path(tmp) / "memory", prompts_of("memory", count), concurrency, samples,
            stored=stored,
        )  # fmt: skip
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"samples": samples, "peak": peak, "elapsed": elapsed, "stored": stored[0]}))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--generations", type=int, default=300)
    parser.add_argument(
        "--concurrency", type=int, default=None, help="also a batch at this width (e.g. 4)"
    )
    parser.add_argument("--latency", type=float, default=1.0, help="fake API seconds per call")
    parser.add_argument("--download-delay", type=float, default=0.02, help="fake CDN s/image")
    parser.add_argument("--seed-sample", type=int, default=20)
    parser.add_argument("--memory-images", type=int, default=10_000)
    parser.add_argument("--memory-only", action="store_true", help="only the RSS run")
    parser.add_argument(
        "--fresh-renders",
        action="store_true",
        help="a new image per call in every mode (the fake's rendering competes for the CPU)",
    )
    parser.add_argument("--memory-child", metavar="BASE_URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child, args.memory_images, args.concurrency)
        return

    if not args.memory_only:
        throughput(args)
    if args.memory_images > 0:  # 0: throughput only
        memory(args)


def run_pool(base: str, folder: Path, prompts: list[str], workers: int, cpu: list[float]) -> float:
    """The bare baseline: the same call and download per prompt, the bytes written to a file."""
    folder.mkdir()

    def one(args: tuple[int, str]) -> int:
        i, prompt = args
        body = client.post(
            "/v1/ideogram-v3/generate",
            files=[("prompt", (None, prompt)), ("num_images", (None, "1")), ("seed", (None, "1"))],
        ).json()
        data = client.get(body["data"][0]["url"]).content
        (folder / f"{i}.png").write_bytes(data)
        return len(data)

    limits = httpx.Limits(max_connections=workers * 2)
    with (
        httpx.Client(base_url=base, headers={"Api-Key": KEY}, timeout=60, limits=limits) as client,
        ThreadPoolExecutor(workers) as pool,
    ):
        start, cpu0 = time.perf_counter(), time.process_time()
        sizes = list(pool.map(one, enumerate(prompts)))
        elapsed = time.perf_counter() - start
        cpu.append(time.process_time() - cpu0)
    assert all(sizes)
    return elapsed


def throughput(args: argparse.Namespace) -> None:
    n = args.generations
    # Prerendered (the default): the fake renders every image once, in an unmeasured warm-up
    # pass, and every mode then asks for the same prompts. Ideogram renders on its own machines;
    # here the fake shares the client's two cores, and rendering a 1 MP image costs it ~100 ms
    # of CPU, which would otherwise be charged to whichever mode is running.
    fresh = args.fresh_renders
    cache = 256 if fresh else n + args.seed_sample + 16
    proc, base = start_fake(args.latency, args.download_delay, cache)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)

            def prompts(tag: str, count: int = n) -> list[str]:
                return prompts_of(tag if fresh else "shared", count)

            if not fresh:
                run_pool(base, root / "warm-up", prompts("warm-up"), MAX_IN_FLIGHT, [])
            (root / "seed").mkdir()
            t_seed = run_seed(base, root / "seed", prompts("seed", args.seed_sample), 1)
            cpu: dict[str, list[float]] = {"default": [], "ten": [], "given": [], "pool": []}
            t_default = run_batch(
                base, root / "default", prompts("default"), None, cpu=cpu["default"]
            )
            t_ten = run_batch(base, root / "ten", prompts("ten"), MAX_IN_FLIGHT, cpu=cpu["ten"])
            given = args.concurrency not in (None, MAX_IN_FLIGHT)
            t_given = (
                run_batch(
                    base, root / "given", prompts("given"), args.concurrency, cpu=cpu["given"]
                )
                if given
                else None
            )
            t_pool = run_pool(base, root / "pool", prompts("pool"), MAX_IN_FLIGHT, cpu["pool"])
    finally:
        proc.terminate()
        proc.wait(10)
    rate = {
        "default": n / t_default,
        "ten": n / t_ten,
        "seed": args.seed_sample / t_seed,
        "pool": n / t_pool,
        "cap": MAX_IN_FLIGHT / args.latency if args.latency else float("inf"),
    }
    print(
        f"{n} one-image generations per mode; fake API {args.latency} s/call, "
        f"{args.download_delay} s/download, {MAX_IN_FLIGHT} images in flight, "
        + ("a fresh render per call" if fresh else "images rendered once before timing")
    )
    print(f"  batch, default          {rate['default']:8.2f} images/s ({t_default:.1f} s)")
    print(f"  batch, --concurrency 10 {rate['ten']:8.2f} images/s ({t_ten:.1f} s)")
    if t_given is not None:
        rate["given"] = n / t_given
        print(f"  batch, --concurrency {args.concurrency:<2} {rate['given']:8.2f} images/s")
    print(f"  bare thread pool (10)   {rate['pool']:8.2f} images/s (calls + downloads + files)")
    print(f"  seed sequential loop    {rate['seed']:8.2f} images/s ({args.seed_sample} sampled)")
    print(f"  API in-flight cap       {rate['cap']:8.2f} images/s ({MAX_IN_FLIGHT} / latency)")
    per_image = {name: f"{1000 * spent[0] / n:.0f} ms" for name, spent in cpu.items() if spent}
    shown = ", ".join(f"{k} {v}" for k, v in per_image.items())
    print(f"  CPU per image (client process): {shown}")
    for name, label in (("default", "default"), ("ten", "--concurrency 10"), ("given", "given")):
        if name in rate:
            print(
                f"ratio batch {label:<16} / seed loop {rate[name] / rate['seed']:5.2f}x, "
                f"/ bare pool {rate[name] / rate['pool']:4.2f}x, "
                f"/ API cap {rate[name] / rate['cap']:4.2f}x"
            )


def memory(args: argparse.Namespace) -> None:

    proc, base = start_fake(0.0, 0.0)
    try:
        child = subprocess.run(
            [sys.executable, __file__, "--memory-child", base, "--memory-images",
             str(args.memory_images),
             *(["--concurrency", str(args.concurrency)] if args.concurrency else [])],
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
        f"(growth {samples[-1] - samples[0]:+.0f} MB), peak {mem['peak']:.0f} MB; "
        f"{mem['stored']:,} images stored"
    )
    print("  RSS by tenth (MB): " + " ".join(f"{s:.0f}" for s in samples))


if __name__ == "__main__":
    main()
