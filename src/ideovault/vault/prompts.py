"""4.0's magic-prompt (docs/ideogram-api.md §6.3): a text prompt turned into a JSON prompt.

Nothing is stored: no image is made, and the answer is meant to be edited and sent back as
``generate(model="V_4", json_prompt=...)``, whose generation keeps it. The API publishes no
price for it, so it is not counted against budgets (documented in the README).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ideovault.api import enums
from ideovault.api.params import normalize_aspect
from ideovault.api.text import check_text
from ideovault.errors import UserError

if TYPE_CHECKING:
    from ideovault.vault.context import VaultContext


def magic_prompt(ctx: VaultContext, text: str, aspect_ratio: str | None = None) -> dict[str, Any]:
    try:
        text = check_text(text.strip(), "the prompt")
    except ValueError as exc:
        raise UserError(str(exc)) from None
    if not text:
        raise UserError("magic-prompt needs a prompt to expand")
    ratio = None
    if aspect_ratio:
        try:
            ratio = (
                "AUTO" if aspect_ratio.strip().upper() == "AUTO" else normalize_aspect(aspect_ratio)
            )
        except ValueError as exc:
            raise UserError(str(exc)) from None
        if ratio not in enums.V4_MAGIC_PROMPT_ASPECTS:
            raise UserError(
                f"aspect ratio {ratio} is not offered by magic-prompt; one of "
                + ", ".join(enums.V4_MAGIC_PROMPT_ASPECTS)
            )
    ctx.require_key()  # a missing key is bad usage: refused before anything
    answer = ctx.client.magic_prompt(text, ratio)
    return {"json_prompt": answer.json_prompt, "aspect_ratio": answer.aspect_ratio}
