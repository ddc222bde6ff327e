"""``describe``: the API's words for an image, kept on the image's record.

Like every call, it is priced, checked against the budget and recorded as a generation (with
no output images), so spending reports and budgets see it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ideovault import ids
from ideovault.api.errors import ApiError, MissingKey
from ideovault.catalog import lineage as queries
from ideovault.catalog.records import GenerationStatus, ImageRecord
from ideovault.vault import spending
from ideovault.vault.inputs import store_inputs
from ideovault.vault.owner import current_owner

if TYPE_CHECKING:
    from ideovault.vault.core import Vault


@dataclass(frozen=True)
class Described:
    image: ImageRecord
    texts: list[str]
    generation_id: str

    def to_json(self) -> dict[str, Any]:
        return {
            "image_id": self.image.id,
            "descriptions": self.texts,
            "generation_id": self.generation_id,
            "image": self.image.to_json(),
        }


def describe(
    vault: Vault, source: str | Path, model_version: str | None, max_usd: float | None
) -> Described:
    request = vault.prepare(
        "", operation="describe", image=source, describe_model_version=model_version
    )
    offer = spending.quote(vault, request)
    spending.check_budget(vault, offer, max_usd)
    if not vault.settings.api_key and vault._client is None:
        raise MissingKey()
    client = vault.client
    request = store_inputs(vault, request)
    assert request.image is not None and request.image.image_id is not None
    now = datetime.now(UTC)
    generation = vault.catalog.create_generation(
        id=ids.new_id(), endpoint=request.endpoint, operation="describe", model=request.model,
        request=request.canonical(), fingerprint=request.fingerprint(), owner=current_owner(),
        created_at=now, cost_usd=offer.estimated_usd,
    )  # fmt: skip
    try:
        response = client.describe(request)
    except ApiError as exc:
        status = GenerationStatus.UNKNOWN if exc.billed == "unknown" else GenerationStatus.FAILED
        vault.catalog.fail_generation(generation.id, status=status, error=str(exc))
        raise
    answered = datetime.now(UTC)
    vault.catalog.record_response(
        generation.id, raw=response.raw, images=[], answered_at=answered,
        cost_usd=offer.estimated_usd,
    )  # fmt: skip
    version = request.describe_model_version or "default"
    entries = [
        {"text": t, "model_version": version, "generation_id": generation.id,
         "created_at": answered.isoformat().replace("+00:00", "Z")}
        for t in response.texts
    ]  # fmt: skip
    image_id = request.image.image_id
    queries.add_descriptions(vault.catalog, image_id, entries)
    record = vault._changed([vault.catalog.get_image(image_id)])[0]
    return Described(record, response.texts, generation.id)
