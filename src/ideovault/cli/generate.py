"""`ideovault generate`: one request, every image downloaded at once and cataloged."""

from __future__ import annotations

from typing import Any

import typer
from rich.markup import escape

from ideovault.catalog.records import ImageStatus
from ideovault.cli.app import GLOBALS, app
from ideovault.cli.output import images_table, out, print_json, say
from ideovault.cli.progress import generation_progress
from ideovault.vault.events import Event


@app.command()
def generate(
    prompt: str = typer.Argument(..., help="What to draw."),
    model: str | None = typer.Option(
        None, "--model", "-m", help="V_3 (default), V_2, V_2_TURBO, …"
    ),
    style: str | None = typer.Option(None, "--style", "-s", help="Style type, e.g. DESIGN."),
    aspect: str | None = typer.Option(None, "--aspect", "-a", help="16x9, 16:9 or ASPECT_16_9."),
    resolution: str | None = typer.Option(None, "--resolution", help="WxH, e.g. 1024x1024."),
    seed: int | None = typer.Option(None, "--seed", help="0 … 2147483647; random if omitted."),
    negative: str | None = typer.Option(None, "--negative", help="What to keep out of the image."),
    num_images: int = typer.Option(1, "--num-images", "-n", help="1 … 8."),
    magic_prompt: str | None = typer.Option(None, "--magic-prompt", help="AUTO, ON or OFF."),
    speed: str | None = typer.Option(None, "--speed", help="TURBO, DEFAULT or QUALITY (V_3)."),
    palette: str | None = typer.Option(None, "--palette", help="Color palette preset (V_2, V_3)."),
    style_code: list[str] = typer.Option([], "--style-code", help="8-hex style code (V_3)."),
    tag: list[str] = typer.Option([], "--tag", "-t", help="Tag the images (repeatable)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the request and its cost only."),
    force: bool = typer.Option(False, "--force", help="Call the API even for a repeat request."),
    dedupe: str | None = typer.Option(None, "--dedupe", help="seeded (default), always, never."),
    budget: float | None = typer.Option(None, "--budget", help="Refuse if this costs more (USD)."),
    as_json: bool = typer.Option(False, "--json", help="Print the image records as JSON."),
) -> None:
    """Generate images, download them at once, store and catalog them."""
    params: dict[str, Any] = {
        "model": model, "style_type": style, "aspect_ratio": aspect, "resolution": resolution,
        "seed": seed, "negative_prompt": negative, "num_images": num_images,
        "magic_prompt": magic_prompt, "rendering_speed": speed,
        "color_palette": {"name": palette} if palette else None,
        "style_codes": style_code or None,
    }  # fmt: skip
    if dry_run:
        with GLOBALS.open_vault() as vault:
            offer = vault.quote(prompt, **params)
        if as_json:
            print_json(offer.to_json())
        else:
            say(
                f"would send {offer.endpoint}: {offer.num_images} image(s), about "
                f"${offer.estimated_usd:.2f} (${offer.usd_per_image:.3f} each); nothing sent"
            )
        return
    kinds: set[str] = set()
    with GLOBALS.open_vault() as vault, generation_progress(not as_json) as on_progress:

        def on_event(event: Event) -> None:
            kinds.add(event.kind)
            if on_progress is not None:
                on_progress(event)

        records = vault.generate(
            prompt, tags=tag, on_event=on_event, dedupe=dedupe, force=force, max_usd=budget,
            **params,
        )  # fmt: skip
    if "reused" in kinds:
        say("this exact request (with its seed) is already in the vault: returned the stored "
            "images without calling the API; --force calls it again")  # fmt: skip
    if as_json:
        print_json([r.to_json() for r in records])
    else:
        out.print(images_table(records))
    stored = sum(r.status == ImageStatus.STORED for r in records)
    unsafe = sum(r.status == ImageStatus.UNSAFE for r in records)
    if not as_json:
        say(
            f"{stored} of {len(records)} stored"
            + (f", {unsafe} withheld as unsafe" if unsafe else "")
        )
    problems = [r for r in records if r.status in (ImageStatus.PENDING, ImageStatus.EXPIRED)]
    for r in problems:
        say(f"[red]{r.id[:13]}[/]: {r.status.value}: {escape(r.error or '')}")
    if problems:
        raise typer.Exit(1)
