"""Estimated USD per output image (docs/ideogram-api.md §10, as of 2026-08), overridable in
``ideovault.toml`` under ``[prices]``, e.g. ``V_3.TURBO = 0.03`` or ``V_2 = 0.08``.

Estimates only: Ideogram bills unsafe (withheld) images too, so they are counted. Remix, edit,
reframe and replace-background share the per-image rate of their model and speed (§10);
generate-transparent, layerize-text, remove-background and edit by instruction have their own.
"""

from __future__ import annotations

from typing import Any

AS_OF = "2026-08-06"

DEFAULT: dict[str, float | dict[str, float]] = {
    "V_4": {"TURBO": 0.03, "DEFAULT": 0.06, "QUALITY": 0.10},
    "V_3": {"FLASH": 0.03, "TURBO": 0.03, "DEFAULT": 0.06, "QUALITY": 0.09},
    # With a character reference; FLASH has no published rate, so it is priced as TURBO.
    "V_3_CHARACTER": {"FLASH": 0.10, "TURBO": 0.10, "DEFAULT": 0.15, "QUALITY": 0.20},
    # generate-transparent, by upscale factor and speed (FLASH is refused by the route).
    "V_3_TRANSPARENT_X1": {"TURBO": 0.04, "DEFAULT": 0.07, "QUALITY": 0.10},
    "V_3_TRANSPARENT_X2": {"TURBO": 0.16, "DEFAULT": 0.19, "QUALITY": 0.22},
    "V_3_TRANSPARENT_X4": {"TURBO": 0.20, "DEFAULT": 0.23, "QUALITY": 0.26},
    "EDIT_INSTRUCT": 0.20,  # /v1/edit, per output image
    "LAYERIZE_TEXT": 0.09,  # per call (one base image per call)
    "REMOVE_BACKGROUND": 0.01,  # quoted for the v2 route; the v1 price is unverified
    "UPSCALE": 0.06,  # per output image (the price page says per input; uncertain)
    "DESCRIBE": 0.01,  # per call
    "DESCRIBE_V4": 0.01,  # 4.0's describe (JSON prompt): no published price; assumed the same
    "V_2": 0.08,
    "V_2_TURBO": 0.05,
    "V_2A": 0.04,
    "V_2A_TURBO": 0.025,
    "V_1": 0.06,
    "V_1_TURBO": 0.02,
}


def price_table(extra: dict[str, Any]) -> dict[str, float | dict[str, float]]:
    table = {k: (dict(v) if isinstance(v, dict) else v) for k, v in DEFAULT.items()}
    for model, value in (extra.get("prices") or {}).items():
        current = table.get(model)
        if isinstance(value, dict):  # by speed; a flat default becomes the DEFAULT speed
            merged = current if isinstance(current, dict) else {}
            if isinstance(current, int | float):
                merged["DEFAULT"] = float(current)
            merged.update({str(k): float(v) for k, v in value.items()})
            table[model] = merged
        elif isinstance(value, int | float):
            table[model] = float(value)
    return table


def price_per_image(
    table: dict[str, float | dict[str, float]], model: str | None, speed: str | None
) -> float:
    entry = table.get(model or "")
    if isinstance(entry, dict):
        return entry.get(speed or "DEFAULT", entry.get("DEFAULT", 0.0))
    return float(entry or 0.0)
