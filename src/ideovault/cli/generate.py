"""`ideovault generate`: one request, every image downloaded at once and cataloged."""

from __future__ import annotations

from typing import Any

import typer

from ideovault.cli.app import GLOBALS, app
from ideovault.cli.sending import report_quote, send_and_report


@app.command()
def generate(
    prompt: str = typer.Argument(..., help="What to draw."),
    model: str | None = typer.Option(
        None, "--model", "-m", help="V_3 (default), V_4, V_2, V_2_TURBO, …"
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
    preset: str | None = typer.Option(None, "--style-preset", help="Style preset (V_3)."),
    style_ref: list[str] = typer.Option(
        [], "--style-ref", help="Style reference image: file or vault id (V_3, repeatable)."
    ),
    character_ref: str | None = typer.Option(
        None, "--character-ref", help="Character reference image: file or vault id (V_3)."
    ),
    character_mask: str | None = typer.Option(
        None, "--character-mask", help="Mask of the character reference (V_3)."
    ),
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
        "style_codes": style_code or None, "style_preset": preset,
        "style_reference_images": style_ref or None,
        "character_reference_images": [character_ref] if character_ref else None,
        "character_reference_images_mask": [character_mask] if character_mask else None,
    }  # fmt: skip
    if dry_run:
        with GLOBALS.open_vault() as vault:
            report_quote(vault.quote(prompt, **params), as_json)
        return
    send_and_report(
        lambda vault, on_event: vault.generate(
            prompt,
            tags=tag,
            on_event=on_event,
            dedupe=dedupe,
            force=force,
            max_usd=budget,
            **params,
        ),
        as_json,
    )
