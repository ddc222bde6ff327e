"""The ``generate`` tool: every option of ``ideovault generate``, plus ``dry_run`` for a quote."""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver import Context
from mcp_types import CallToolResult, ToolAnnotations
from pydantic import Field

from ideovault.mcp import params as p
from ideovault.mcp.registry import Registry
from ideovault.mcp.results import Shaping
from ideovault.mcp.running import refuse, run_in_thread
from ideovault.mcp.sending import Delivery, deliver, report
from ideovault.vault import SendOptions, Vault

GENERATE = """Generate new images from a text prompt with the Ideogram API, and keep them: every
image is downloaded at once, stored and cataloged in the vault (Ideogram's own links expire
within the hour), with prompt, model, seed and tags, so it can be found and reused later.

Use this to make a new picture. To change an existing image use remix / edit / upscale /
reframe / replace_background; to find images made before, use search first (a stored image
costs nothing to reuse). Each image is billed (about $0.03-$0.10, see dry_run). Returns the
image records (id, status, seed, resolution, tags, local_path, resource URI of the original)
and a small thumbnail of each. Requests are checked before anything is sent; a request over
the budget is refused. With an explicit seed, an identical earlier request is answered from
the vault for free."""


def register(registry: Registry, vault: Vault, shaping: Shaping) -> None:
    @registry.tool(
        description=GENERATE,
        annotations=ToolAnnotations(title="Generate images", open_world_hint=True),
    )
    async def generate(
        prompt: p.Prompt = "",
        model: p.Model = None,
        style_type: p.StyleType = None,
        aspect_ratio: p.Aspect = None,
        resolution: p.Resolution = None,
        seed: p.Seed = None,
        negative_prompt: p.Negative = None,
        num_images: p.NumImages = 1,
        magic_prompt: p.MagicPrompt = None,
        rendering_speed: p.Speed = None,
        color_palette: p.Palette = None,
        style_codes: p.StyleCodes = None,
        style_preset: p.StylePreset = None,
        style_reference_images: p.StyleRefs = None,
        character_reference_image: Annotated[
            str | None,
            Field(
                description="A character reference (V_3): a vault id or file of the person or "
                "character to keep; billed at the character rates.",
                max_length=4096,
            ),
        ] = None,
        character_reference_mask: Annotated[
            str | None,
            Field(description="Mask of the character reference (V_3).", max_length=4096),
        ] = None,
        json_prompt: Annotated[
            dict[str, Any] | None,
            Field(
                description="Ideogram 4.0 (model V_4) only: a JSON prompt object instead of "
                "prompt, e.g. from `ideovault magic-prompt` or describe --v4. Needs "
                "high_level_description and compositional_deconstruction.background.",
            ),
        ] = None,
        tags: p.Tags = None,
        dry_run: p.DryRun = False,
        force: p.Force = False,
        dedupe: p.Dedupe = None,
        budget: p.Budget = None,
        use_async: Annotated[
            bool,
            Field(
                description="V_4 only: submit to 4.0's async route and poll (retry-safe; a "
                "generation that outlives timeout is collected later by `ideovault recover`).",
            ),
        ] = False,
        webhook_url: Annotated[
            str | None,
            Field(
                description="use_async: the https URL the API requires (or webhook_url in "
                "ideovault.toml). ideovault polls; the URL only receives copies.",
                max_length=2048,
            ),
        ] = None,
        timeout: Annotated[
            float | None,
            Field(description="use_async: seconds to wait before leaving it to recover."),
        ] = None,
        ctx: Context | None = None,
    ) -> CallToolResult:
        if json_prompt is None and not prompt.strip():
            refuse("give a prompt, or a V_4 JSON prompt in json_prompt")
        if use_async and model is None:
            model = "V_4"  # the only model with an async route
        request: dict[str, Any] = {
            "json_prompt": json_prompt, "model": model, "style_type": style_type,
            "aspect_ratio": aspect_ratio, "resolution": resolution, "seed": seed,
            "negative_prompt": negative_prompt, "num_images": num_images,
            "magic_prompt": magic_prompt, "rendering_speed": rendering_speed,
            "color_palette": {"name": color_palette} if color_palette else None,
            "style_codes": style_codes or None, "style_preset": style_preset,
            "style_reference_images": style_reference_images or None,
            "character_reference_images": (
                [character_reference_image] if character_reference_image else None
            ),
            "character_reference_images_mask": (
                [character_reference_mask] if character_reference_mask else None
            ),
        }  # fmt: skip
        how = Delivery(tags, dry_run, force, dedupe, budget)
        if use_async and not dry_run:
            records = await run_in_thread(
                ctx,
                lambda on_event: vault.generations.start(
                    prompt,
                    webhook_url=webhook_url,
                    timeout=timeout,
                    **shaping.confine(vault, request),
                    options=SendOptions(
                        tags=tuple(tags or ()),
                        on_event=on_event,
                        dedupe=dedupe,
                        force=force,
                        max_usd=budget,
                    ),
                ),
            )
            return report(vault, shaping, records, reused=False)
        if not use_async and (webhook_url is not None or timeout is not None):
            refuse("webhook_url and timeout go with use_async")
        return await deliver(ctx, vault, shaping, how, prompt, request)
