"""Ingest benchmark: images/s for ideovault against two baselines measured in the same run.

* ideovault — ``Vault.generate`` per request: catalog rows, parallel streamed downloads,
  sha256, full decode check, atomic blob commit, sidecar, catalog update.
* seed approach — what the seed did: sequential generate, sequential download, append to one
  JSON file that is rewritten after every image.
* raw parallel download — the same image URLs fetched with a thread pool, bytes thrown away:
  the ceiling set by the fake server and HTTP alone.

The fake server runs in this process on loopback with a small per-call latency. Only ratios
are meaningful (machines here are noisy); run with ``--generations`` to scale.
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from ideovault.config import load_settings
from ideovault.vault import Vault

KEY = "bench-key"


def run_ideovault(base_url: str, home: Path, prompts: list[str], n: int) -> tuple[float, list[str]]:
    settings = load_settings(home=home, env={}).with_overrides(api_key=KEY, base_url=base_url)
    urls: list[str] = []
    with Vault.open(settings=settings) as vault:
        start = time.perf_counter()
        for prompt in prompts:
            records = vault.generations.generate(prompt, num_images=n, seed=1)
            assert all(r.status == "stored" for r in records), [r.error for r in records]
            urls.extend(r.original_url or "" for r in records)
        elapsed = time.perf_counter() - start
    return elapsed, urls


def run_seed(base_url: str, folder: Path, prompts: list[str], n: int) -> float:
    """The seed's loop: one request, then each image downloaded and the JSON file rewritten."""
    catalog: list[dict[str, object]] = []
    catalog_path = folder / "generations.json"
    with httpx.Client(base_url=base_url, headers={"Api-Key": KEY}, timeout=60) as client:
        start = time.perf_counter()
        for i, prompt in enumerate(prompts):
            body = client.post(
                "/v1/ideogram-v3/generate",
                files=[
                    ("prompt", (None, prompt)),
                    ("num_images", (None, str(n))),
                    ("seed", (None, "1")),
                ],
            ).json()
            for j, item in enumerate(body["data"]):
                data = client.get(item["url"]).content
                path = folder / f"{i}-{j}.png"
                path.write_bytes(data)
                catalog.append({"prompt": prompt, "seed": item["seed"], "localPath": str(path)})
                catalog_path.write_text(json.dumps(catalog))
        return time.perf_counter() - start


def run_raw(urls: list[str], workers: int) -> float:
    with httpx.Client(timeout=60) as client, ThreadPoolExecutor(workers) as pool:
        start = time.perf_counter()
        sizes = list(pool.map(lambda u: len(client.get(u).content), urls))
        elapsed = time.perf_counter() - start
    assert all(sizes)
    return elapsed


def start_fake(
    latency: float, download_delay: float, image_cache: int = 256
) -> tuple[subprocess.Popen[bytes], str]:
    """The fake API in its own process, as the real API would be: no shared GIL with the client.
    ``image_cache`` rendered images are kept for repeated downloads (the fake's LRU)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "ideovault", "fake-api", "--port", str(port), "--api-key", KEY,
         "--latency", str(latency), "--download-delay", str(download_delay),
         "--image-cache", str(image_cache)],
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            httpx.get(f"{base}/_fake/stats", timeout=1)
            return proc, base
        except httpx.HTTPError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("the fake API did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--generations", type=int, default=30)
    parser.add_argument("--images", type=int, default=4, help="images per generation")
    parser.add_argument("--latency", type=float, default=0.5, help="fake API seconds per call")
    parser.add_argument(
        "--download-delay", type=float, default=0.1, help="fake CDN seconds per image download"
    )
    args = parser.parse_args()
    total = args.generations * args.images
    proc, base = start_fake(args.latency, args.download_delay)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            prompts = [f"benchmark prompt number {i}" for i in range(args.generations)]
            # Untimed warm-up: the fake renders each (prompt, seed, index) once and caches it,
            # so the timed runs measure the clients, not the fake's PNG encoder.
            (root / "warm").mkdir()
            run_seed(base, root / "warm", prompts, args.images)
            (root / "seed").mkdir()
            t_seed = run_seed(base, root / "seed", prompts, args.images)
            t_vault, urls = run_ideovault(base, root / "vault", prompts, args.images)
            t_raw = run_raw(urls, workers=4)
    finally:
        proc.terminate()
        proc.wait(10)
    rate = {"ideovault": total / t_vault, "seed": total / t_seed, "raw": total / t_raw}
    print(
        f"{total} images in {args.generations} generations; fake API {args.latency} s/call, "
        f"{args.download_delay} s/download"
    )
    print(f"  ideovault              {rate['ideovault']:8.1f} images/s")
    print(f"  seed approach          {rate['seed']:8.1f} images/s")
    print(f"  raw parallel download  {rate['raw']:8.1f} images/s (no API call, no storage)")
    print(f"ratio ideovault / seed approach: {rate['ideovault'] / rate['seed']:.2f}x")
    print(f"ratio ideovault / raw download:  {rate['ideovault'] / rate['raw']:.2f}x")


if __name__ == "__main__":
    main()
