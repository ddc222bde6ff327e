"""Options shared by the commands that call the API, declared once (Annotated aliases)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

Source = Annotated[str, typer.Argument(help="The input: a vault id (or prefix) or a file.")]
Model = Annotated[str | None, typer.Option("--model", "-m", help="V_3 (default), V_2, …")]
Seed = Annotated[int | None, typer.Option("--seed", help="0 … 2147483647; random if omitted.")]
NumImages = Annotated[int, typer.Option("--num-images", "-n", help="1 … 8.")]
Speed = Annotated[str | None, typer.Option("--speed", help="TURBO, DEFAULT or QUALITY.")]
Magic = Annotated[str | None, typer.Option("--magic-prompt", help="AUTO, ON or OFF.")]
Style = Annotated[str | None, typer.Option("--style", "-s", help="Style type, e.g. DESIGN.")]
Preset = Annotated[str | None, typer.Option("--style-preset", help="Style preset (V_3).")]
Palette = Annotated[str | None, typer.Option("--palette", help="Color palette preset.")]
StyleCodes = Annotated[list[str], typer.Option("--style-code", help="8-hex style code (V_3).")]
StyleRefs = Annotated[
    list[str], typer.Option("--style-ref", help="Style reference: file or vault id (V_3).")
]
Tags = Annotated[list[str], typer.Option("--tag", "-t", help="Tag the images (repeatable).")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Print the request and its cost only.")]
Force = Annotated[bool, typer.Option("--force", help="Call the API even for a repeat request.")]
Overwrite = Annotated[bool, typer.Option("--force", help="Replace an existing file at --to.")]
Dedupe = Annotated[str | None, typer.Option("--dedupe", help="seeded (default), always, never.")]
Budget = Annotated[float | None, typer.Option("--budget", help="Refuse if this costs more (USD).")]
Json = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def style_params(
    style: str | None, preset: str | None, palette: str | None, codes: list[str], refs: list[str]
) -> dict[str, Any]:
    return {
        "style_type": style,
        "style_preset": preset,
        "color_palette": {"name": palette} if palette else None,
        "style_codes": codes or None,
        "style_reference_images": refs or None,
    }
