"""``describe``: the API's words for an image, kept on the image's record — text from
``/describe``, or with 4.0's describe a JSON prompt (kept whole, plus its words flattened into
``text`` so search finds them).

Like every call, it is priced, checked against the budget and recorded as a generation (with
no output images), so spending reports and budgets see it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ideovault.api.enums import DESCRIBE_V4_MODEL
from ideovault.api.errors import ApiError
from ideovault.api.responses import JsonPromptResponse
from ideovault.api.v4prompt import flatten
from ideovault.catalog.records import ImageRecord
from ideovault.errors import UserError
from ideovault.vault import spending
from ideovault.vault.inputs import prepare
from ideovault.vault.presenting import refresh_sidecars
from ideovault.vault.sending.pipeline import Pipeline

if TYPE_CHECKING:
    from ideovault.api.uploads import Upload
    from ideovault.vault.context import VaultContext


@dataclass(frozen=True)
class Described:
    image: ImageRecord
    texts: list[str]
    generation_id: str
    json_prompt: dict[str, Any] | None = None  # 4.0's describe answers with a JSON prompt

    def to_json(self) -> dict[str, Any]:
        out = {
            "image_id": self.image.id,
            "descriptions": self.texts,
            "generation_id": self.generation_id,
            "image": self.image.to_json(),
        }
        if self.json_prompt is not None:
            out["json_prompt"] = self.json_prompt
        return out


@dataclass(frozen=True)
class V4Options:
    """4.0's describe (a JSON prompt, reusable with ``generate -m V_4 --json-prompt``) and what
    it should include; None leaves the API's default (bbox on, the others off)."""

    include_bbox: bool | None = None
    include_style_descriptions: bool | None = None
    include_tags: bool | None = None


def describe(
    ctx: VaultContext,
    source: str | Path | Upload,
    model_version: str | None,
    max_usd: float | None,
    v4: V4Options | None = None,
) -> Described:
    if v4 is not None and model_version is not None:
        raise UserError(
            "4.0's describe has no model version to choose: give --v4 or --model-version"
        )
    route: dict[str, Any] = (
        {"model": DESCRIBE_V4_MODEL, **vars(v4)}
        if v4 is not None
        else {"describe_model_version": model_version}
    )
    request = prepare(ctx, "", operation="describe", image=source, **route)
    offer = spending.quote(ctx, request)
    spending.check_budget(ctx, offer, max_usd)
    # Every call is paid for and says something new: never answered from the vault (no dedupe).
    pipeline = Pipeline(ctx)
    started = pipeline.begin(request, offer)
    request, generation = started.request, started.generation
    assert request.image is not None and request.image.image_id is not None
    client = ctx.client
    try:
        response = client.describe_json(request) if v4 is not None else client.describe(request)
    except ApiError as exc:
        pipeline.fail(generation.id, exc)
        raise
    answered = datetime.now(UTC)
    ctx.catalog.generations.record_response(
        generation.id, raw=response.raw, images=[], answered_at=answered,
        cost_usd=offer.estimated_usd,
    )  # fmt: skip
    when = answered.isoformat().replace("+00:00", "Z")
    if isinstance(response, JsonPromptResponse):
        # Kept whole (reusable as a JSON prompt) with its words flattened, so search finds it.
        texts = [flatten(response.json_prompt)]
        entries = [
            {"text": texts[0], "json_prompt": response.json_prompt, "model_version": "V_4",
             "format": "json_prompt", "generation_id": generation.id, "created_at": when}
        ]  # fmt: skip
    else:
        texts = response.texts
        version = request.describe_model_version or "default"
        entries = [
            {"text": t, "model_version": version, "generation_id": generation.id,
             "created_at": when}
            for t in texts
        ]  # fmt: skip
    image_id = request.image.image_id
    ctx.catalog.images.add_descriptions(image_id, entries)
    record = refresh_sidecars(ctx, [ctx.catalog.images.get(image_id)])[0]
    prompt = response.json_prompt if isinstance(response, JsonPromptResponse) else None
    return Described(record, texts, generation.id, prompt)
