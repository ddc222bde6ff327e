"""Team benchmark: what a personal key and the server cost, against baselines of the same run.

* key check — ``people.authenticate`` (a primary-key lookup, a SHA-256 and a constant-time
  compare) against the cheapest catalog query the same vault answers (``status_counts``).
* per request — ``GET /api/images?limit=20`` on a team vault with a key, against the same
  request on the same vault before it had users (no key to check): the ratio is the key's
  share of a request over real HTTP on loopback.
* remote search — ``search`` through the server with the CLI's RemoteVault against the local
  ``vault.images.search`` on the same vault: the ratio is what HTTP and JSON add for a CLI user.
* remote generate — one image through the server (``RemoteVault.generations.generate``: the
  request goes to the server, which calls the fake API, downloads, stores and answers it)
  against ``vault.generations.generate`` on the same vault and fake API: what the server adds
  to a generation.

    python bench/team.py --images 200 --runs 200 --generations 30
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

from ideogram_fake import FakeServer
from ideovault.config import load_settings
from ideovault.vault import Vault
from ideovault.vault.remote import RemoteVault
from ideovault.web import WebSettings, create_app
from ideovault.web.serve import ServerThread

KEY = "bench-key-not-secret"


def median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=200)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--generations", type=int, default=30, help="runs of each generate")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, FakeServer() as fake:
        settings = load_settings(home=Path(tmp), env={}).with_overrides(
            api_key=KEY, base_url=fake.base_url
        )
        with Vault.open(settings=settings) as vault:
            for n in range(0, args.images, 8):
                vault.generations.generate(f"bench image {n}", num_images=min(8, args.images - n))
            with ServerThread(create_app(vault, WebSettings(port=0))) as running:
                url = running.url + "/api/images?limit=20"
                open_ms = median_ms(lambda: httpx.get(url).raise_for_status(), args.runs)
                vault.people.add_user("bench", "editor", "bench")
                key = vault.people.create_key("bench", [], None, "bench")[1]
                auth = {"Authorization": f"Bearer {key}"}
                keyed_ms = median_ms(
                    lambda: httpx.get(url, headers=auth).raise_for_status(), args.runs
                )
                check_ms = median_ms(lambda: vault.people.authenticate(key), args.runs)
                base_ms = median_ms(vault.context.catalog.images.status_counts, args.runs)
                remote = RemoteVault(running.url, key)
                remote_ms = median_ms(lambda: remote.images.search("bench", limit=20), args.runs)
                local_ms = median_ms(lambda: vault.images.search("bench", limit=20), args.runs)
                runs = args.generations
                remote_gen_ms = median_ms(lambda: remote.generations.generate("bench remote"), runs)
                local_gen_ms = median_ms(lambda: vault.generations.generate("bench local"), runs)
                remote.close()
    rows = [
        ("key check vs status_counts query", check_ms, base_ms),
        ("GET /api/images with a key vs without users", keyed_ms, open_ms),
        ("remote search vs local vault.images.search", remote_ms, local_ms),
        ("remote generate vs local vault.generations.generate", remote_gen_ms, local_gen_ms),
    ]
    print(f"{'measure':<48} {'ms':>8} {'baseline ms':>12} {'ratio':>7}")
    for name, value, baseline in rows:
        print(f"{name:<48} {value:>8.2f} {baseline:>12.2f} {value / baseline:>6.2f}x")


if __name__ == "__main__":
    sys.exit(main())
