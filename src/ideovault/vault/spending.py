"""What a request will cost, whether it may, and whether it needs sending at all.

* A quote prices a validated request from the table in ``prices.py`` (images x rate).
* Budgets (``[budget] daily_usd / monthly_usd`` in ideovault.toml, and a per-request
  ``max_usd``) are checked before any call, against the estimated cost the catalog recorded for
  every generation that ran or may have run (answered, or sent and never answered).
* Dedupe: a request whose fingerprint (normalised parameters, never the key) is already
  answered in the catalog can return the stored images instead of paying again. Policies:
  ``seeded`` (the default: only requests with an explicit seed, which ask for the same
  picture), ``always``, ``never``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ideovault.catalog.records import ImageRecord, ImageStatus
from ideovault.config_checks import usd
from ideovault.errors import UserError
from ideovault.vault.prices import AS_OF, price_per_image, price_table

if TYPE_CHECKING:
    from ideovault.api.params import GenerateParams
    from ideovault.vault.context import VaultContext

DEDUPE_POLICIES = ("seeded", "always", "never")


@dataclass(frozen=True)
class Quote:
    endpoint: str
    request: dict[str, Any]
    fingerprint: str
    num_images: int
    usd_per_image: float
    estimated_usd: float

    def to_json(self) -> dict[str, Any]:
        return {**self.__dict__, "prices_as_of": AS_OF}


def quote(ctx: VaultContext, request: GenerateParams) -> Quote:
    model = request.model
    if request.character_reference_images:
        model = "V_3_CHARACTER"  # billed at the character-reference rates (§5, §10)
    elif request.operation == "generate-transparent":
        model = f"V_3_TRANSPARENT_{request.upscale_factor or 'X1'}"  # by factor and speed
    elif request.operation == "layerize-text":
        model = "LAYERIZE_TEXT"  # its own rate; the route answers with one image per call
    rate = price_per_image(price_table(ctx.settings.extra), model, request.rendering_speed)
    return Quote(
        endpoint=request.endpoint,
        request=request.canonical(),
        fingerprint=request.fingerprint(),
        num_images=request.num_images,
        usd_per_image=rate,
        estimated_usd=round(rate * request.num_images, 4),
    )


def _limit(budget: dict[str, Any], name: str) -> float | None:
    value = budget.get(name)
    if value is None:
        return None
    return usd(value, f"ideovault.toml: [budget] {name}")


def check_budget(ctx: VaultContext, offer: Quote, max_usd: float | None = None) -> None:
    """Refuse, before any call, a request that would go over a budget."""
    max_usd = usd(max_usd, "--budget")
    if max_usd is not None and offer.estimated_usd > max_usd:
        raise UserError(
            f"this request would cost about ${offer.estimated_usd:.2f}, over --budget "
            f"${max_usd:.2f}; ask for fewer images or a cheaper model"
        )
    from ideovault.vault.people import check_person_budget

    check_person_budget(ctx, offer.estimated_usd)
    budget = ctx.settings.extra.get("budget") or {}
    if not isinstance(budget, dict):
        raise UserError("ideovault.toml: [budget] must be a table")
    day = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    periods = (
        ("daily_usd", "daily", "today", day),
        ("monthly_usd", "monthly", "this month", day.replace(day=1)),
    )
    for name, kind, label, since in periods:
        limit = _limit(budget, name)
        if limit is None:
            continue
        spent = ctx.catalog.generations.spent_since(since)
        if spent + offer.estimated_usd > limit + 1e-9:
            raise UserError(
                f"over the {kind} budget: ${spent:.2f} of ${limit:.2f} spent {label}, and this "
                f"request would add about ${offer.estimated_usd:.2f}. Raise [budget] {name} "
                "in ideovault.toml or wait."
            )


def reusable(ctx: VaultContext, request: GenerateParams, policy: str) -> list[ImageRecord] | None:
    """The stored images of an identical earlier request, when the policy allows reuse."""
    if policy not in DEDUPE_POLICIES:
        raise UserError(f"--dedupe must be one of {', '.join(DEDUPE_POLICIES)}, not {policy!r}")
    if policy == "never" or (policy == "seeded" and request.seed is None):
        return None
    generation = ctx.catalog.generations.answered_with_fingerprint(request.fingerprint())
    if generation is None:
        return None
    images = ctx.catalog.images.of_generation(generation.id)
    if not any(i.status == ImageStatus.STORED and i.trashed_at is None for i in images):
        return None  # nothing worth reusing: ask again
    return images
