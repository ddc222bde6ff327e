"""Web benchmark: server time for the first gallery page and a search page at 100k and 1M
records, and thumbnail throughput against Pillow's own throughput on the same images.

Everything goes over real HTTP on loopback to the real server (uvicorn in a thread, the same
code ``ideovault serve`` runs). Baselines are measured in the same run: the bare
``vault.images.search`` call under each page (so the ratio is what HTTP, rendering and JSON
add), and a plain Pillow open → thumbnail → WebP loop over the very originals the server thumbnails.
Catalogs are built by bench/search.py's bulk generator and reused between runs.

    python bench/web.py                       # 100k and 1M records
    python bench/web.py --rows 100000 --images 24
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from PIL import Image

sys.path.insert(0, str(Path(__file__).parent))
from ideogram_fake import FakeConfig, FakeServer
from ideovault.config import load_settings
from ideovault.vault import Vault
from ideovault.vault.sending import SendOptions
from ideovault.web import WebSettings, create_app
from ideovault.web.serve import ServerThread
from search import fill

KEY = "bench-key-not-secret"
PAGES = [
    ("gallery, first page (HTML)", "/", ""),
    ("gallery, search page (HTML)", "/?q=photo+tag%3Ahero", "photo tag:hero"),
    ("gallery, filters (HTML)", "/?model=V_2&style=DESIGN", "model:V_2 style:DESIGN"),
    ("API, first page (JSON)", "/api/images?limit=60", ""),
    ("API, search page (JSON)", "/api/images?limit=60&q=red+fox", "red fox"),
]


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def pages(rows: int, workdir: Path, runs: int) -> None:
    db = workdir / f"search-{rows}.db"  # the same file bench/search.py builds and reuses
    url = f"sqlite:///{db}"
    if not db.exists():
        t0 = time.perf_counter()
        fill(url, rows)
        print(f"built {rows:,} records in {time.perf_counter() - t0:.0f} s ({db})")
    settings = load_settings(home=workdir / f"home-{rows}", database_url=url, env={})
    with Vault.open(settings=settings) as vault, ServerThread(create_app(vault)) as server:
        print(f"\n{rows:,} records: p50 / p95 ms over {runs} runs; ratio = page p50 / bare search")
        print(f"  {'page':32} {'p50':>8} {'p95':>8} {'search':>8} {'ratio':>6}")
        with httpx.Client(base_url=server.url) as client:
            for name, path, query in PAGES:
                assert client.get(path).status_code == 200  # warm the caches once
                p50, p95 = timed(lambda p=path: client.get(p).raise_for_status(), runs)
                bare, _ = timed(lambda q=query: vault.images.search(q, limit=60), runs)
                print(f"  {name:32} {p50:8.2f} {p95:8.2f} {bare:8.2f} {p50 / bare:6.1f}x")


def pillow_baseline(paths: list[Path], size: int) -> float:
    """Images per second for Pillow's plain recipe: open, thumbnail (Lanczos), save WebP."""
    t0 = time.perf_counter()
    for path in paths:
        with Image.open(path) as image:
            image.thumbnail((size, size), Image.Resampling.LANCZOS)
            image.save(io.BytesIO(), "WEBP", quality=80)
    return len(paths) / (time.perf_counter() - t0)


def thumbnails(workdir: Path, count: int, size: int) -> None:
    home = workdir / "thumbs-home"
    with FakeServer(FakeConfig(api_key=KEY)) as fake:
        settings = load_settings(home=home, env={}).with_overrides(
            api_key=KEY, base_url=fake.base_url
        )
        with Vault.open(settings=settings) as vault:
            have = vault.images.search("tag:bench", limit=1000).records
            batch = 0
            while len(have) < count:
                vault.generations.generate(
                    f"bench image {batch}",
                    num_images=8,
                    seed=batch,
                    options=SendOptions(tags=("bench",)),
                )
                batch += 1
                have = vault.images.search("tag:bench", limit=1000).records
            records = have[:count]
            paths = [Path(r.local_path or "") for r in records]
            for cached in (vault.images.derived_dir() / "webp").rglob(f"*-{size}.webp"):
                cached.unlink()  # cold: every thumbnail made by this run
            pillow = pillow_baseline(paths, size)
            with ServerThread(create_app(vault, WebSettings())) as server:
                urls = [f"{server.url}/api/images/{r.id}/thumbnail?size={size}" for r in records]
                with httpx.Client() as client:
                    t0 = time.perf_counter()
                    for u in urls:
                        client.get(u).raise_for_status()
                    cold = len(urls) / (time.perf_counter() - t0)
                    t0 = time.perf_counter()
                    for u in urls:
                        client.get(u).raise_for_status()
                    warm = len(urls) / (time.perf_counter() - t0)
                for cached in (vault.images.derived_dir() / "webp").rglob(f"*-{size}.webp"):
                    cached.unlink()
                with httpx.Client() as client, ThreadPoolExecutor(4) as pool:
                    t0 = time.perf_counter()
                    list(pool.map(lambda u: client.get(u).raise_for_status(), urls))
                    cold4 = len(urls) / (time.perf_counter() - t0)
    w, h = Image.open(paths[0]).size
    print(f"\nthumbnails: {count} originals of about {w}x{h}, {size}px WebP, images per second")
    print(f"  Pillow's own (open, thumbnail, WebP; no HTTP)   {pillow:8.1f}")
    print(f"  server, first request (made + cached)          {cold:8.1f}   {cold / pillow:5.2f}x")
    print(f"  server, first request, 4 clients at once       {cold4:8.1f}   {cold4 / pillow:5.2f}x")
    print(f"  server, cached (served from disk)              {warm:8.1f}   {warm / pillow:5.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--images", type=int, default=40)
    parser.add_argument("--size", type=int, default=256, choices=(256, 512, 1024))
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "ideovault-bench")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    for rows in args.rows:
        pages(rows, args.dir, args.runs)
    thumbnails(args.dir, args.images, args.size)


if __name__ == "__main__":
    main()
