"""`generate-transparent`, `remove-background`, `layerize-text` and `instruct`: the image tools,
the four newer /v1 routes, with the same `--dry-run`, `--budget`, `--force`, `--dedupe` and
`--json` as the other operations.

`generate-transparent` is its own command rather than `generate --transparent`: the route takes
a different set of options (an upscale factor; no resolution, style, palette or references), and
a separate command lists exactly those in its help instead of refusing half of generate's.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ideovault.cli.app import app
from ideovault.cli.options import (
    Budget,
    Dedupe,
    DryRun,
    Force,
    Json,
    Magic,
    NumImages,
    Seed,
    Source,
    Speed,
    Tags,
)  # fmt: skip
from ideovault.cli.output import say
from ideovault.cli.sending import Delivery, Sending

Prompt = Annotated[str, typer.Argument(help="What the image should show.")]
Aspect = Annotated[str | None, typer.Option("--aspect", "-a", help="16x9, 1x1, …")]


@app.command("generate-transparent")
def generate_transparent(
    prompt: Prompt,
    upscale: Annotated[
        str | None, typer.Option("--upscale", help="X1 (default), X2 or X4: the output size.")
    ] = None,
    aspect: Aspect = None, seed: Seed = None, num_images: NumImages = 1, speed: Speed = None,
    magic_prompt: Magic = None,
    negative: Annotated[str | None, typer.Option("--negative", help="What to keep out.")] = None,
    tag: Tags = [], dry_run: DryRun = False, force: Force = False,
    dedupe: Dedupe = None, budget: Budget = None, as_json: Json = False,
) -> None:  # fmt: skip
    """PNG images with a transparent background from PROMPT (V_3; not --speed FLASH)."""
    params = {
        "upscale_factor": upscale, "aspect_ratio": aspect, "seed": seed,
        "num_images": num_images, "rendering_speed": speed, "magic_prompt": magic_prompt,
        "negative_prompt": negative,
    }  # fmt: skip
    how = Delivery(tag, dry_run, force, dedupe, budget, as_json)
    with Sending(how) as sending:
        request = sending.vault.generations.prepare(
            prompt, operation="generate-transparent", **params
        )
        sending.send(request)


@app.command("remove-background")
def remove_background(
    source: Source,
    tag: Tags = [], dry_run: DryRun = False, force: Force = False,
    dedupe: Dedupe = None, budget: Budget = None, as_json: Json = False,
) -> None:  # fmt: skip
    """The subject of SOURCE on a transparent background (one image)."""
    how = Delivery(tag, dry_run, force, dedupe, budget, as_json)
    with Sending(how) as sending:
        request = sending.vault.generations.prepare_operation("remove-background", source)
        sending.send(request)


@app.command("layerize-text")
def layerize_text(
    source: Source,
    prompt: Annotated[str, typer.Option("--prompt", help="Optional: the text it shows.")] = "",
    seed: Seed = None,
    tag: Tags = [], dry_run: DryRun = False, force: Force = False,
    dedupe: Dedupe = None, budget: Budget = None, as_json: Json = False,
) -> None:  # fmt: skip
    """SOURCE without its text, stored as a new image; the text is kept as blocks (position,
    font, colour) in the new image's descriptions, where search finds it."""
    how = Delivery(tag, dry_run, force, dedupe, budget, as_json)
    with Sending(how) as sending:
        request = sending.vault.generations.prepare_operation(
            "layerize-text", source, prompt, seed=seed
        )
        records = sending.send(request)
    if not as_json:
        for record in records:
            for entry in record.descriptions or []:
                if entry.get("format") == "layerize":
                    blocks = entry.get("text_blocks") or []
                    say(f"{len(blocks)} text block(s): " + " | ".join(
                        str(b.get("text", "")) for b in blocks
                    ))  # fmt: skip


@app.command()
def instruct(
    prompt: Annotated[str, typer.Argument(help="What to change, in words.")],
    image: Annotated[
        list[str],
        typer.Option("--image", "-i", help="An input: file or vault id (repeat, up to 10)."),
    ],
    aspect: Aspect = None,
    resolution: Annotated[str | None, typer.Option("--resolution", help="WxH (V_3 list).")] = None,
    transparent: Annotated[
        bool, typer.Option("--transparent", help="Ask for a transparent background.")
    ] = False,
    seed: Seed = None, num_images: NumImages = 1, magic_prompt: Magic = None,
    tag: Tags = [], dry_run: DryRun = False, force: Force = False,
    dedupe: Dedupe = None, budget: Budget = None, as_json: Json = False,
) -> None:  # fmt: skip
    """Edit images by instruction (/v1/edit): PROMPT says what to change; the first --image is
    the parent of the results. Links to images are not taken (they expire): give files or ids."""
    params: dict[str, Any] = {
        "aspect_ratio": aspect, "resolution": resolution, "seed": seed,
        "num_images": num_images, "magic_prompt": magic_prompt,
        "transparent_background": True if transparent else None,
    }  # fmt: skip
    how = Delivery(tag, dry_run, force, dedupe, budget, as_json)
    with Sending(how) as sending:
        request = sending.vault.generations.prepare_instruct(image, prompt, **params)
        sending.send(request)
