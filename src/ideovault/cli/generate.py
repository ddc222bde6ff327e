"""`ideovault generate`: one request, every image downloaded at once and cataloged."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ideovault.cli.app import app
from ideovault.cli.options import (
    Budget,
    Dedupe,
    DryRun,
    Force,
    Magic,
    NumImages,
    Preset,
    Seed,
    Style,
    StyleCodes,
    Tags,
)
from ideovault.cli.sending import Delivery, Sending
from ideovault.cli.v4 import read_json_prompt
from ideovault.errors import UserError


@app.command()
def generate(
    prompt: Annotated[
        str | None,
        typer.Argument(help="What to draw (optional with --json-prompt, which replaces it)."),
    ] = None,
    model: Annotated[
        str | None, typer.Option("--model", "-m", help="V_3 (default), V_4, V_2, V_2_TURBO, …")
    ] = None,
    style: Style = None,
    aspect: Annotated[
        str | None, typer.Option("--aspect", "-a", help="16x9, 16:9 or ASPECT_16_9.")
    ] = None,
    resolution: Annotated[
        str | None, typer.Option("--resolution", help="WxH, e.g. 1024x1024.")
    ] = None,
    seed: Seed = None,
    negative: Annotated[
        str | None, typer.Option("--negative", help="What to keep out of the image.")
    ] = None,
    num_images: NumImages = 1,
    magic_prompt: Magic = None,
    speed: Annotated[
        str | None, typer.Option("--speed", help="TURBO, DEFAULT or QUALITY (V_3).")
    ] = None,
    palette: Annotated[
        str | None, typer.Option("--palette", help="Color palette preset (V_2, V_3).")
    ] = None,
    style_code: StyleCodes = [],
    preset: Preset = None,
    style_ref: Annotated[
        list[str],
        typer.Option(
            "--style-ref", help="Style reference image: file or vault id (V_3, repeatable)."
        ),
    ] = [],
    character_ref: Annotated[
        str | None,
        typer.Option("--character-ref", help="Character reference image: file or vault id (V_3)."),
    ] = None,
    character_mask: Annotated[
        str | None, typer.Option("--character-mask", help="Mask of the character reference (V_3).")
    ] = None,
    tag: Tags = [],
    dry_run: DryRun = False,
    force: Force = False,
    dedupe: Dedupe = None,
    budget: Budget = None,
    json_prompt: Annotated[
        str | None,
        typer.Option(
            "--json-prompt", help="A V_4 JSON prompt file (- for stdin), e.g. from magic-prompt."
        ),
    ] = None,
    use_async: Annotated[
        bool,
        typer.Option(
            "--async", help="V_4 only: submit, then poll (retry-safe; `recover` resumes it)."
        ),
    ] = False,
    webhook_url: Annotated[
        str | None,
        typer.Option(
            "--webhook-url", help="https URL the API requires for --async ($webhook_url)."
        ),
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option("--timeout", help="--async: seconds to wait before leaving it to `recover`."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the image records as JSON.")
    ] = False,
) -> None:
    """Generate images, download them at once, store and catalog them."""
    if json_prompt is None and not (prompt or "").strip():
        raise UserError("give a PROMPT, or a V_4 JSON prompt with --json-prompt FILE")
    if use_async and model is None:
        model = "V_4"  # the only model with an async route
    params: dict[str, Any] = {
        "json_prompt": read_json_prompt(json_prompt) if json_prompt is not None else None,
        "model": model, "style_type": style, "aspect_ratio": aspect, "resolution": resolution,
        "seed": seed, "negative_prompt": negative, "num_images": num_images,
        "magic_prompt": magic_prompt, "rendering_speed": speed,
        "color_palette": {"name": palette} if palette else None,
        "style_codes": style_code or None, "style_preset": preset,
        "style_reference_images": style_ref or None,
        "character_reference_images": [character_ref] if character_ref else None,
        "character_reference_images_mask": [character_mask] if character_mask else None,
    }  # fmt: skip
    text = prompt or ""
    how = Delivery(tag, dry_run, force, dedupe, budget, as_json)
    if use_async and not dry_run:
        with Sending(how) as sending:
            generations = sending.vault.generations
            sending.keep(generations.start(
                text, webhook_url=webhook_url, timeout=timeout, options=sending.options, **params
            ))  # fmt: skip
        return
    if not use_async and (webhook_url is not None or timeout is not None):
        raise UserError("--webhook-url and --timeout go with --async")
    with Sending(how) as sending:
        request = sending.vault.generations.prepare(text, **params)
        sending.send(request)
