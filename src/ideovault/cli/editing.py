"""`remix`, `edit`, `upscale`, `reframe`, `replace-background`: new images from an image.

The input is a vault id or a file; a file is stored in the vault first (as an `uploaded`
image) so every output names its parent. Each command takes `--dry-run`, `--budget`, `--force`,
`--dedupe` and `--json` like `generate`.
"""

from __future__ import annotations

from typing import Annotated

import typer

from ideovault.cli.app import app
from ideovault.cli.options import (
    Budget,
    Dedupe,
    DryRun,
    Force,
    Json,
    Magic,
    Model,
    NumImages,
    Palette,
    Preset,
    Seed,
    Source,
    Speed,
    Style,
    StyleCodes,
    StyleRefs,
    Tags,
    style_params,
)  # fmt: skip
from ideovault.cli.sending import Delivery, Sending

Prompt = Annotated[str, typer.Argument(help="What the new image should show.")]


@app.command()
def remix(
    source: Source, prompt: Prompt, model: Model = None, seed: Seed = None,
    weight: Annotated[int | None, typer.Option("--weight", help="Image weight 1 … 100.")] = None,
    aspect: Annotated[str | None, typer.Option("--aspect", "-a", help="16x9, …")] = None,
    resolution: Annotated[str | None, typer.Option("--resolution", help="WxH.")] = None,
    negative: Annotated[str | None, typer.Option("--negative", help="What to keep out.")] = None,
    num_images: NumImages = 1, speed: Speed = None, magic_prompt: Magic = None,
    style: Style = None, preset: Preset = None, palette: Palette = None,
    style_code: StyleCodes = [], style_ref: StyleRefs = [],
    tag: Tags = [], dry_run: DryRun = False, force: Force = False,
    dedupe: Dedupe = None, budget: Budget = None, as_json: Json = False,
) -> None:  # fmt: skip
    """A new image from PROMPT that keeps the look of SOURCE."""
    params = {
        "model": model, "seed": seed, "image_weight": weight, "aspect_ratio": aspect,
        "resolution": resolution, "negative_prompt": negative, "num_images": num_images,
        "rendering_speed": speed, "magic_prompt": magic_prompt,
        **style_params(style, preset, palette, style_code, style_ref),
    }  # fmt: skip
    how = Delivery(tag, dry_run, force, dedupe, budget, as_json)
    with Sending(how) as sending:
        request = sending.vault.generations.prepare_operation("remix", source, prompt, **params)
        sending.send(request)


@app.command()
def edit(
    source: Source,
    prompt: Prompt,
    mask: Annotated[str, typer.Option("--mask", help="Mask, same size; black = change.")],
    model: Model = None, seed: Seed = None, num_images: NumImages = 1, speed: Speed = None,
    magic_prompt: Magic = None, style: Style = None, preset: Preset = None,
    palette: Palette = None, style_code: StyleCodes = [], style_ref: StyleRefs = [],
    tag: Tags = [], dry_run: DryRun = False, force: Force = False,
    dedupe: Dedupe = None, budget: Budget = None, as_json: Json = False,
) -> None:  # fmt: skip
    """Repaint the masked part of SOURCE as PROMPT says (inpainting)."""
    params = {
        "model": model, "mask": mask, "seed": seed, "num_images": num_images,
        "rendering_speed": speed, "magic_prompt": magic_prompt,
        **style_params(style, preset, palette, style_code, style_ref),
    }  # fmt: skip
    how = Delivery(tag, dry_run, force, dedupe, budget, as_json)
    with Sending(how) as sending:
        request = sending.vault.generations.prepare_operation("edit", source, prompt, **params)
        sending.send(request)


@app.command()
def upscale(
    source: Source,
    prompt: Annotated[str, typer.Option("--prompt", help="Optional guidance.")] = "",
    resemblance: Annotated[int | None, typer.Option("--resemblance", help="1 … 100.")] = None,
    detail: Annotated[int | None, typer.Option("--detail", help="1 … 100.")] = None,
    seed: Seed = None, num_images: NumImages = 1, magic_prompt: Magic = None,
    tag: Tags = [], dry_run: DryRun = False, force: Force = False,
    dedupe: Dedupe = None, budget: Budget = None, as_json: Json = False,
) -> None:  # fmt: skip
    """A larger version of SOURCE."""
    params = {
        "resemblance": resemblance, "detail": detail, "seed": seed, "num_images": num_images,
        "magic_prompt": magic_prompt,
    }  # fmt: skip
    how = Delivery(tag, dry_run, force, dedupe, budget, as_json)
    with Sending(how) as sending:
        request = sending.vault.generations.prepare_operation("upscale", source, prompt, **params)
        sending.send(request)


@app.command()
def reframe(
    source: Source,
    resolution: Annotated[str, typer.Option("--resolution", help="The new size, WxH.")],
    model: Model = None, seed: Seed = None, num_images: NumImages = 1, speed: Speed = None,
    style: Style = None, preset: Preset = None, palette: Palette = None,
    style_code: StyleCodes = [], style_ref: StyleRefs = [],
    tag: Tags = [], dry_run: DryRun = False, force: Force = False,
    dedupe: Dedupe = None, budget: Budget = None, as_json: Json = False,
) -> None:  # fmt: skip
    """Extend a square SOURCE to another size, painting what lies outside it."""
    params = {
        "model": model, "resolution": resolution, "seed": seed, "num_images": num_images,
        "rendering_speed": speed, **style_params(style, preset, palette, style_code, style_ref),
    }  # fmt: skip
    how = Delivery(tag, dry_run, force, dedupe, budget, as_json)
    with Sending(how) as sending:
        request = sending.vault.generations.prepare_operation("reframe", source, "", **params)
        sending.send(request)


@app.command("replace-background")
def replace_background(
    source: Source, prompt: Annotated[str, typer.Argument(help="The new background.")],
    seed: Seed = None, num_images: NumImages = 1, speed: Speed = None, magic_prompt: Magic = None,
    preset: Preset = None, palette: Palette = None,
    style_code: StyleCodes = [], style_ref: StyleRefs = [],
    tag: Tags = [], dry_run: DryRun = False, force: Force = False,
    dedupe: Dedupe = None, budget: Budget = None, as_json: Json = False,
) -> None:  # fmt: skip
    """Keep the subject of SOURCE, paint a new background as PROMPT says (V_3)."""
    params = {
        "seed": seed, "num_images": num_images, "rendering_speed": speed,
        "magic_prompt": magic_prompt, **style_params(None, preset, palette, style_code, style_ref),
    }  # fmt: skip
    how = Delivery(tag, dry_run, force, dedupe, budget, as_json)
    with Sending(how) as sending:
        request = sending.vault.generations.prepare_operation(
            "replace-background", source, prompt, **params
        )
        sending.send(request)
