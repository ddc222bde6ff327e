"""`ideovault generate`: one request, every image downloaded at once and cataloged."""

from __future__ import annotations

from typing import Any

import typer

from ideovault.cli.app import app
from ideovault.cli.sending import Delivery, deliver, send_and_report
from ideovault.cli.v4 import read_json_prompt
from ideovault.errors import UserError


@app.command()
def generate(
    prompt: str | None = typer.Argument(
        None, help="What to draw (optional with --json-prompt, which replaces it)."
    ),
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
    json_prompt: str | None = typer.Option(
        None, "--json-prompt", help="A V_4 JSON prompt file (- for stdin), e.g. from magic-prompt."
    ),
    use_async: bool = typer.Option(
        False, "--async", help="V_4 only: submit, then poll (retry-safe; `recover` resumes it)."
    ),
    webhook_url: str | None = typer.Option(
        None, "--webhook-url", help="https URL the API requires for --async ($webhook_url)."
    ),
    timeout: float | None = typer.Option(
        None, "--timeout", help="--async: seconds to wait before leaving it to `recover`."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the image records as JSON."),
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
        send_and_report(
            lambda vault, on_event: vault.generate_async(
                text, webhook_url=webhook_url, timeout=timeout, tags=tag, on_event=on_event,
                dedupe=dedupe, force=force, max_usd=budget, **params,
            ),
            as_json,
        )  # fmt: skip
        return
    if not use_async and (webhook_url is not None or timeout is not None):
        raise UserError("--webhook-url and --timeout go with --async")
    deliver(how, lambda v: v.prepare(text, **params))
