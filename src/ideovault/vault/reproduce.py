"""``reproduce``: send the request that made an image again — same route, model, parameters,
input files and seed — and say whether the new bytes equal the old.

Ideogram does not promise identical pixels for the same seed (models are updated, magic prompt
may expand differently), so a reproduction is a new image linked to its original and tagged
``reproduced``, never a replacement.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ideovault.api.params import UPLOAD_FIELDS, parse_params
from ideovault.catalog.records import ImageRecord, ImageStatus
from ideovault.errors import NotFound, UserError
from ideovault.vault.events import Event
from ideovault.vault.inputs import LABELS, load
from ideovault.vault.presenting import image
from ideovault.vault.sending.options import SendOptions
from ideovault.vault.sending.pipeline import Pipeline

if TYPE_CHECKING:
    from ideovault.api.params import GenerateParams
    from ideovault.vault.context import VaultContext
    from ideovault.vault.spending import Quote

NOT_REPRODUCIBLE = {"upload", "import", "describe"}
# Routes that take no seed: the same input is the whole request (remove-background).
SEEDLESS = {"remove-background"}


@dataclass(frozen=True)
class Reproduction:
    original: ImageRecord
    images: list[ImageRecord]
    reused: bool  # answered from the vault (dedupe) instead of calling the API

    @property
    def identical(self) -> bool | None:
        """Whether a new image has the original's exact bytes (None if nothing to compare)."""
        stored = [i for i in self.images if i.status == ImageStatus.STORED and i.sha256]
        if not stored or not self.original.sha256:
            return None
        return any(i.sha256 == self.original.sha256 for i in stored)

    def to_json(self) -> dict[str, Any]:
        return {
            "original_id": self.original.id,
            "identical": self.identical,
            "reused": self.reused,
            "images": [i.to_json() for i in self.images],
        }


def rebuild_request(ctx: VaultContext, record: ImageRecord) -> GenerateParams:
    """The request that made ``record``, with its seed and one image, ready to send again."""
    generation = ctx.catalog.generations.get(record.generation_id)
    if generation.operation in NOT_REPRODUCIBLE:
        raise UserError(
            f"image {record.id} was made by {generation.operation}, not by the API; "
            "there is nothing to reproduce"
        )
    if record.seed is None and generation.operation not in SEEDLESS:
        raise UserError(
            f"image {record.id} has no recorded seed, so it cannot be reproduced "
            "(the API chose one and did not say which)"
        )
    saved = dict(generation.request)
    saved.pop("endpoint", None)
    saved.setdefault("operation", generation.operation)
    for name in UPLOAD_FIELDS:
        if name not in saved:
            continue
        value = saved[name]
        refs = value if isinstance(value, list) else [value]
        uploads = []
        for ref in refs:
            image_id = ref.get("image_id") if isinstance(ref, dict) else None
            if not image_id:
                raise UserError(
                    f"image {record.id}: {LABELS[name]} of its request is not in the vault, "
                    "so the request cannot be sent again"
                )
            try:
                source = ctx.catalog.images.get(image_id)
            except NotFound:
                raise UserError(
                    f"image {record.id}: {LABELS[name]} of its request ({image_id}) has been "
                    "deleted from the vault, so the request cannot be sent again"
                ) from None
            uploads.append(load(ctx, source, LABELS[name]))
        saved[name] = tuple(uploads) if isinstance(value, list) else uploads[0]
    saved.update(num_images=1)
    if generation.operation not in SEEDLESS:
        saved.update(seed=record.seed)
    return parse_params(**saved)


def reproduce_quote(ctx: VaultContext, image_id: str, *, force: bool) -> Quote:
    """What reproducing would cost, checked against the budgets, without sending anything.

    A request the vault can answer itself (dedupe) costs nothing: the quote says $0 then.
    Raises UserError when the reproduction would pass a budget, as sending it would.
    """
    from ideovault.vault.spending import check_budget, quote, reusable

    request = rebuild_request(ctx, image(ctx, image_id))
    offer = quote(ctx, request)
    policy = str(ctx.settings.extra.get("dedupe", "seeded"))
    if not force and reusable(ctx, request, policy) is not None:
        return replace(offer, estimated_usd=0.0)
    check_budget(ctx, offer)
    return offer


def reproduce(
    ctx: VaultContext,
    image_id: str,
    *,
    options: SendOptions | None = None,
) -> Reproduction:
    """Send the request that made an image again, with its seed; compare the bytes. The
    options' tags are added to the original's (and ``reproduced``)."""
    opts = options or SendOptions()
    original = image(ctx, image_id)
    request = rebuild_request(ctx, original)
    tags = (*original.tags, *opts.tags, "reproduced")
    reused = False

    def watch(event: Event) -> None:
        nonlocal reused
        reused = reused or event.kind == "reused"
        if opts.on_event is not None:
            opts.on_event(event)

    sending = replace(opts, tags=tags, on_event=watch)
    images = Pipeline(ctx).send(request, sending, parent_id=original.id)
    return Reproduction(original, images, reused)
