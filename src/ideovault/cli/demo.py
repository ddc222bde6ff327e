"""`ideovault demo` and `ideovault fake-api`: the offline stand-in for Ideogram, and a tour.

The demo starts the built-in fake server in a background thread of this process and drives the
real client, catalog and blob store against it, so it shows the product without a key or network.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ideovault.cli.app import GLOBALS, app
from ideovault.cli.output import images_table, out, say
from ideovault.config import load_settings
from ideovault.vault.sending import SendOptions

DEMO_KEY = "demo-key-not-secret"

DEMO_REQUESTS: list[dict[str, Any]] = [
    {"prompt": "a red fox under a neon sign, rainy night", "aspect_ratio": "16x9", "seed": 1234,
     "tags": ["poster", "fox"]},
    {"prompt": "minimal poster for a jazz festival", "style_type": "DESIGN", "num_images": 2,
     "rendering_speed": "TURBO", "tags": ["poster"]},
    {"prompt": "isometric cozy autumn cafe", "model": "V_2", "aspect_ratio": "4x3",
     "style_type": "RENDER_3D", "negative_prompt": "people", "seed": 42},
    {"prompt": "watercolor lighthouse at dawn", "model": "V_2_TURBO", "resolution": "1024x1024",
     "magic_prompt": "OFF", "color_palette": {"name": "PASTEL"}},
    {"prompt": "portrait of a robot gardener UNSAFE_IMAGE", "num_images": 2, "aspect_ratio": "3x4",
     "tags": ["demo-unsafe"]},
    {"prompt": "logo for a bakery called Crumb", "model": "V_2A_TURBO", "aspect_ratio": "1x1"},
]  # fmt: skip


@app.command()
def demo(
    latency: Annotated[
        float, typer.Option("--latency", help="Seconds the fake API takes per call.")
    ] = 0.2,
) -> None:
    """Generate a handful of images against the built-in fake API and show what was stored."""
    from ideogram_fake import FakeConfig, FakeServer
    from ideovault.catalog.records import ImageRecord
    from ideovault.vault import Vault

    home = GLOBALS.home or Path("demo-vault")
    with FakeServer(FakeConfig(api_key=DEMO_KEY, latency=latency)) as fake:
        settings = load_settings(home, GLOBALS.database_url, GLOBALS.storage_url).with_overrides(
            api_key=DEMO_KEY, base_url=fake.base_url
        )
        say(f"fake Ideogram API on {fake.base_url}; vault in {settings.home}")
        with Vault.open(settings=settings) as vault:
            records: list[ImageRecord] = []
            for request in DEMO_REQUESTS:
                req = dict(request)
                prompt = req.pop("prompt")
                options = SendOptions(tags=tuple(req.pop("tags", ())))
                say(f"generating: {prompt}")
                records.extend(vault.generations.generate(prompt, options=options, **req))
            fox = records[0]
            say("working on the fox: remix, upscale, describe")
            (remixed,) = vault.generations.remix(
                fox.id, "the same fox in a snowstorm", seed=7, options=SendOptions(tags=("fox",))
            )
            records.append(remixed)
            records.extend(vault.generations.upscale(remixed.id, seed=8))
            described = vault.generations.describe(fox.id)
            say(f"described: {described.texts[0] if described.texts else '(nothing)'}")
            out.print(images_table(records, title="stored by this demo"))
            say(f"lineage of the fox: `ideovault --home {settings.home} lineage {fox.id[:13]}`")
            say(
                f"{sum(r.status == 'stored' for r in records)} images stored "
                f"under {vault.context.store.url}"
            )
            say(f"catalog: {vault.context.catalog.url_for_display}")


@app.command("fake-api")
def fake_api(
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    host: Annotated[str, typer.Option("--host", help="Address to bind.")] = "127.0.0.1",
    api_key: Annotated[str | None, typer.Option("--api-key", help="The only key accepted.")] = None,
    link_ttl: Annotated[
        float, typer.Option("--link-ttl", help="Seconds before image links 403.")
    ] = 3600.0,
    latency: Annotated[
        float, typer.Option("--latency", help="Seconds each generate call takes.")
    ] = 0.0,
    download_delay: Annotated[
        float, typer.Option("--download-delay", help="Seconds per download.")
    ] = 0.0,
    image_cache: Annotated[
        int,
        typer.Option("--image-cache", min=1, help="Rendered images kept in memory (LRU)."),
    ] = 256,
) -> None:
    """Run the offline Ideogram-compatible server (for tests, demos and scripts)."""
    from ideogram_fake import FakeConfig, serve

    say(f"fake Ideogram API on http://{host}:{port}")
    config = FakeConfig(
        api_key=api_key,
        link_ttl=link_ttl,
        latency=latency,
        download_delay=download_delay,
        image_cache=image_cache,
    )
    serve(host, port, config)
