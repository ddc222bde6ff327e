"""Tools that make new images from an existing one — remix, edit, upscale, reframe,
replace_background — and describe, which puts the API's words for an image on its record.

Each takes what its CLI command takes; the input is a vault id or a file, and every output
records its parent (see lineage).
"""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver import Context
from mcp_types import CallToolResult, ToolAnnotations
from pydantic import Field

from ideovault.mcp import params as p
from ideovault.mcp.registry import Registry
from ideovault.mcp.results import Shaping, result
from ideovault.mcp.running import refuse, run_in_thread
from ideovault.mcp.sending import Delivery, deliver
from ideovault.vault import Vault

PAID = ToolAnnotations(open_world_hint=True)
COMMON = """ Takes the same delivery options as generate (tags, dry_run for the price, force,
dedupe, budget). Returns the new image records with thumbnails; each records parent_id and
operation, so lineage shows where it came from."""

REMIX = (
    """Make a new image from a prompt that keeps the look and composition of an existing
image (image-to-image). image_weight (1-100, default 50) says how much of the input to keep.
Use remix for "the same, but …"; use edit to change only a masked part."""
    + COMMON
)
EDIT = (
    """Repaint only part of an image (inpainting): the mask (same size as the image; black =
the area to change, white = keep) is redrawn as the prompt says. Needs a mask file or vault
id."""
    + COMMON
)
UPSCALE = (
    """Make a larger, sharper version of an image. resemblance (1-100) keeps it close to
the input, detail (1-100) adds fine detail; prompt is optional guidance."""
    + COMMON
)
REFRAME = (
    """Extend a SQUARE image to another size (outpainting), painting what lies outside
it, e.g. to turn a 1024x1024 into a 1312x736 banner. resolution is required."""
    + COMMON
)
REPLACE_BACKGROUND = (
    """Keep the subject of an image and paint a new background as the prompt
says (V_3), e.g. a product photo moved onto a marble table."""
    + COMMON
)
DESCRIBE = """Ask Ideogram to describe an image in words (or, with v4=true, as a 4.0 JSON
prompt reusable with generate's json_prompt). The description is kept on the image's record,
so search finds the image by those words. A paid call (a few cents). Use it to caption an
uploaded picture or to write a prompt that recreates a look."""


def _style(
    style_type: str | None,
    preset: str | None,
    palette: str | None,
    codes: list[str] | None,
    refs: list[str] | None,
) -> dict[str, Any]:
    return {
        "style_type": style_type,
        "style_preset": preset,
        "color_palette": {"name": palette} if palette else None,
        "style_codes": codes or None,
        "style_reference_images": refs or None,
    }


def register(registry: Registry, vault: Vault, shaping: Shaping) -> None:
    @registry.tool(description=REMIX, annotations=PAID)
    async def remix(
        source: p.Source,
        prompt: p.Prompt,
        image_weight: Annotated[
            int | None, Field(description="1 … 100: how much of the input to keep (50).")
        ] = None,
        model: p.Model = None, seed: p.Seed = None, aspect_ratio: p.Aspect = None,
        resolution: p.Resolution = None, negative_prompt: p.Negative = None,
        num_images: p.NumImages = 1, rendering_speed: p.Speed = None,
        magic_prompt: p.MagicPrompt = None, style_type: p.StyleType = None,
        style_preset: p.StylePreset = None, color_palette: p.Palette = None,
        style_codes: p.StyleCodes = None, style_reference_images: p.StyleRefs = None,
        tags: p.Tags = None, dry_run: p.DryRun = False, force: p.Force = False,
        dedupe: p.Dedupe = None, budget: p.Budget = None, ctx: Context | None = None,
    ) -> CallToolResult:  # fmt: skip
        request = {
            "model": model, "seed": seed, "image_weight": image_weight,
            "aspect_ratio": aspect_ratio, "resolution": resolution,
            "negative_prompt": negative_prompt, "num_images": num_images,
            "rendering_speed": rendering_speed, "magic_prompt": magic_prompt,
            **_style(style_type, style_preset, color_palette, style_codes, style_reference_images),
        }  # fmt: skip
        how = Delivery(tags, dry_run, force, dedupe, budget)
        return await deliver(
            ctx, vault, shaping, how,
            prompt, {"operation": "remix", "image": source, **request},
        )  # fmt: skip

    @registry.tool(description=EDIT, annotations=PAID)
    async def edit(
        source: p.Source,
        prompt: p.Prompt,
        mask: Annotated[
            str,
            Field(
                description="The mask: a vault id or file the size of the image; black = "
                "the part to repaint.",
                min_length=1,
                max_length=4096,
            ),
        ],
        model: p.Model = None, seed: p.Seed = None, num_images: p.NumImages = 1,
        rendering_speed: p.Speed = None, magic_prompt: p.MagicPrompt = None,
        style_type: p.StyleType = None, style_preset: p.StylePreset = None,
        color_palette: p.Palette = None, style_codes: p.StyleCodes = None,
        style_reference_images: p.StyleRefs = None,
        tags: p.Tags = None, dry_run: p.DryRun = False, force: p.Force = False,
        dedupe: p.Dedupe = None, budget: p.Budget = None, ctx: Context | None = None,
    ) -> CallToolResult:  # fmt: skip
        request = {
            "model": model, "mask": mask, "seed": seed, "num_images": num_images,
            "rendering_speed": rendering_speed, "magic_prompt": magic_prompt,
            **_style(style_type, style_preset, color_palette, style_codes, style_reference_images),
        }  # fmt: skip
        how = Delivery(tags, dry_run, force, dedupe, budget)
        return await deliver(
            ctx, vault, shaping, how,
            prompt, {"operation": "edit", "image": source, **request},
        )  # fmt: skip

    @registry.tool(description=UPSCALE, annotations=PAID)
    async def upscale(
        source: p.Source,
        prompt: Annotated[
            str, Field(description="Optional guidance for the upscale.", max_length=10_000)
        ] = "",
        resemblance: Annotated[int | None, Field(description="1 … 100.")] = None,
        detail: Annotated[int | None, Field(description="1 … 100.")] = None,
        seed: p.Seed = None, num_images: p.NumImages = 1, magic_prompt: p.MagicPrompt = None,
        tags: p.Tags = None, dry_run: p.DryRun = False, force: p.Force = False,
        dedupe: p.Dedupe = None, budget: p.Budget = None, ctx: Context | None = None,
    ) -> CallToolResult:  # fmt: skip
        request = {
            "resemblance": resemblance, "detail": detail, "seed": seed,
            "num_images": num_images, "magic_prompt": magic_prompt,
        }  # fmt: skip
        how = Delivery(tags, dry_run, force, dedupe, budget)
        return await deliver(
            ctx, vault, shaping, how,
            prompt, {"operation": "upscale", "image": source, **request},
        )  # fmt: skip

    @registry.tool(description=REFRAME, annotations=PAID)
    async def reframe(
        source: p.Source,
        resolution: Annotated[
            str,
            Field(description="The new size, WxH, e.g. 1312x736.", min_length=1, max_length=64),
        ],
        model: p.Model = None, seed: p.Seed = None, num_images: p.NumImages = 1,
        rendering_speed: p.Speed = None, style_type: p.StyleType = None,
        style_preset: p.StylePreset = None, color_palette: p.Palette = None,
        style_codes: p.StyleCodes = None, style_reference_images: p.StyleRefs = None,
        tags: p.Tags = None, dry_run: p.DryRun = False, force: p.Force = False,
        dedupe: p.Dedupe = None, budget: p.Budget = None, ctx: Context | None = None,
    ) -> CallToolResult:  # fmt: skip
        request = {
            "model": model, "resolution": resolution, "seed": seed, "num_images": num_images,
            "rendering_speed": rendering_speed,
            **_style(style_type, style_preset, color_palette, style_codes, style_reference_images),
        }  # fmt: skip
        how = Delivery(tags, dry_run, force, dedupe, budget)
        return await deliver(
            ctx, vault, shaping, how,
            "", {"operation": "reframe", "image": source, **request},
        )  # fmt: skip

    @registry.tool(description=REPLACE_BACKGROUND, annotations=PAID)
    async def replace_background(
        source: p.Source,
        prompt: Annotated[
            str, Field(description="The new background.", min_length=1, max_length=10_000)
        ],
        seed: p.Seed = None, num_images: p.NumImages = 1, rendering_speed: p.Speed = None,
        magic_prompt: p.MagicPrompt = None, style_preset: p.StylePreset = None,
        color_palette: p.Palette = None, style_codes: p.StyleCodes = None,
        style_reference_images: p.StyleRefs = None,
        tags: p.Tags = None, dry_run: p.DryRun = False, force: p.Force = False,
        dedupe: p.Dedupe = None, budget: p.Budget = None, ctx: Context | None = None,
    ) -> CallToolResult:  # fmt: skip
        request = {
            "seed": seed, "num_images": num_images, "rendering_speed": rendering_speed,
            "magic_prompt": magic_prompt,
            **_style(None, style_preset, color_palette, style_codes, style_reference_images),
        }  # fmt: skip
        how = Delivery(tags, dry_run, force, dedupe, budget)
        return await deliver(
            ctx, vault, shaping, how,
            prompt, {"operation": "replace-background", "image": source, **request},
        )  # fmt: skip

    @registry.tool(description=DESCRIBE, annotations=PAID)
    async def describe(
        source: p.Source,
        model_version: Annotated[
            str | None,
            Field(description="V_2, V_3 (default) or V_4 (text answers).", max_length=16),
        ] = None,
        v4: Annotated[
            bool, Field(description="Use Ideogram 4.0's describe: answers a JSON prompt.")
        ] = False,
        include_bbox: Annotated[
            bool | None, Field(description="v4: element boxes (default on).")
        ] = None,
        include_style_descriptions: Annotated[
            bool, Field(description="v4: include a style block.")
        ] = False,
        include_tags: Annotated[bool, Field(description="v4: include tags.")] = False,
        budget: p.Budget = None,
        ctx: Context | None = None,
    ) -> CallToolResult:
        from ideovault.vault.describe import V4Options

        options = None
        if v4:
            options = V4Options(
                include_bbox, include_style_descriptions or None, include_tags or None
            )
        elif include_bbox is not None or include_style_descriptions or include_tags:
            refuse("include_bbox, include_style_descriptions and include_tags go with v4")
        described = await run_in_thread(
            ctx,
            lambda _on_event: vault.generations.describe(
                shaping.confine(vault, {"image": source})["image"],
                model_version=model_version, max_usd=budget, v4=options,
            ),
        )  # fmt: skip
        data = described.to_json()
        data["image"] = shaping.fields(described.image)
        return result(data)
