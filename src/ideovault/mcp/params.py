"""The arguments tools share, declared once (like the CLI's ``cli/options.py``).

Each description says what the value means, which values exist and which model takes it, so
that a model can fill it without guessing. Schemas bound only sizes (strings, lists) so that
one call cannot make the server do unbounded work; the values themselves are checked by the
vault, which answers with the CLI's own messages ("V_3 does not take a negative prompt …").
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ideovault.api import enums
from ideovault.api.text import MAX_PROMPT_CHARS

SHORT = 200  # ids, enum values, sizes: nothing legitimate is longer
MAX_REFS = 10  # reference images per request; more than the API takes, so its rule speaks


def _values(values: tuple[str, ...]) -> str:
    return ", ".join(values)


Prompt = Annotated[
    str,
    Field(
        description="What the image should show, in plain words (at most 10,000 characters). "
        "Quoted words are drawn as text in the picture.",
        max_length=MAX_PROMPT_CHARS,
    ),
]
Source = Annotated[
    str,
    Field(
        description="The input image: a vault image id (or a unique prefix of one, as returned "
        "by search/generate), or a path to a PNG, JPEG or WebP file on the server's machine. "
        "A file is stored in the vault first, so the result records its parent.",
        min_length=1,
        max_length=4096,
    ),
]
ImageId = Annotated[
    str,
    Field(
        description="A vault image id, or any unique prefix of one (like a git hash).",
        min_length=1,
        max_length=SHORT,
    ),
]
Model = Annotated[
    str | None,
    Field(
        description=f"The Ideogram model: {_values(enums.MODELS)}. Default V_3 (the best all-"
        "round model; takes style presets, style codes and references). V_4 is Ideogram 4.0 "
        "(one image per call, JSON prompts).",
        max_length=SHORT,
    ),
]
Seed = Annotated[
    int | None,
    Field(
        description="0 … 2147483647. Omit for a random seed. The same request with the same "
        "seed asks for the same picture (and is answered from the vault without paying again).",
    ),
]
NumImages = Annotated[int, Field(description="How many images, 1 … 8 (V_4: 1). Each is billed.")]
Speed = Annotated[
    str | None,
    Field(
        description=f"Rendering speed (V_3, V_4): {_values(enums.RENDERING_SPEEDS)}. Cheaper "
        "and faster to dearer and finer; default DEFAULT. V_4 has no FLASH.",
        max_length=SHORT,
    ),
]
MagicPrompt = Annotated[
    str | None,
    Field(
        description="AUTO, ON or OFF: whether Ideogram may rewrite and expand the prompt "
        "(the expansion is kept as expanded_prompt).",
        max_length=SHORT,
    ),
]
StyleType = Annotated[
    str | None,
    Field(
        description=f"Style type: {_values(enums.LEGACY_STYLE_TYPES)} (V_3: "
        f"{_values(enums.V3_STYLE_TYPES)}).",
        max_length=SHORT,
    ),
]
Aspect = Annotated[
    str | None,
    Field(
        description="Aspect ratio as WxH, W:H or ASPECT_W_H, e.g. 16x9, 9:16, 1x1. V_3 takes "
        f"{_values(enums.V3_ASPECTS)}. Give aspect or resolution, not both.",
        max_length=SHORT,
    ),
]
Resolution = Annotated[
    str | None,
    Field(
        description="Exact size as WxH from the model's list, e.g. 1024x1024 or 1312x736 "
        "(V_3, V_2, V_4). Give aspect or resolution, not both.",
        max_length=SHORT,
    ),
]
Negative = Annotated[
    str | None,
    Field(
        description="What to keep out of the image (V_1, V_2, V_3).",
        max_length=MAX_PROMPT_CHARS,
    ),
]
Palette = Annotated[
    str | None,
    Field(
        description=f"Color palette preset (V_2, V_3): {_values(enums.PALETTE_PRESETS)}.",
        max_length=SHORT,
    ),
]
StylePreset = Annotated[
    str | None,
    Field(
        description="A named look (V_3), e.g. BAUHAUS, OIL_PAINTING, FLAT_VECTOR, POP_ART, "
        "GOLDEN_HOUR, WATERCOLOR; an unknown name is refused with the list.",
        max_length=SHORT,
    ),
]
StyleCodes = Annotated[
    list[Annotated[str, Field(max_length=SHORT)]] | None,
    Field(description="8-hex-digit style codes (V_3), e.g. ['AB12CD34'].", max_length=MAX_REFS),
]
StyleRefs = Annotated[
    list[Annotated[str, Field(max_length=4096)]] | None,
    Field(
        description="Style reference images (V_3): vault ids or file paths; the output takes "
        "their look.",
        max_length=MAX_REFS,
    ),
]
Tags = Annotated[
    list[Annotated[str, Field(max_length=SHORT)]] | None,
    Field(
        description="Tags to put on the new images, e.g. ['poster', 'client-acme'] (lower "
        "case, no commas), so they can be found with search 'tag:poster'.",
        max_length=50,
    ),
]
DryRun = Annotated[
    bool,
    Field(
        description="True: only validate and price the request (endpoint, request, estimated "
        "USD); nothing is sent or paid. Use it to tell the user the cost first.",
    ),
]
Force = Annotated[
    bool,
    Field(description="Call the API even when the vault already holds this exact request."),
]
Dedupe = Annotated[
    str | None,
    Field(
        description="When an identical earlier request may answer this one from the vault: "
        "seeded (default: only requests with an explicit seed), always, never.",
        max_length=SHORT,
    ),
]
Budget = Annotated[
    float | None,
    Field(
        description="A cap in USD for this one request: refused before sending if the estimate "
        "is higher. The vault's daily/monthly budgets apply as well.",
    ),
]
