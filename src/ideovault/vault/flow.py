"""The two halves of sending a request, shared by the synchronous path (``Vault.send``) and
4.0's async path (``vault.asynchronous``): everything before the API call, and everything after
its answer. Between them, only how the answer is obtained differs (one POST, or submit + poll).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ideovault import ids
from ideovault.api.errors import ApiError, MissingKey
from ideovault.catalog.engine import DatabaseFailure
from ideovault.catalog.records import GenerationRecord, GenerationStatus, ImageRecord
from ideovault.config_checks import usd
from ideovault.errors import IdeovaultError
from ideovault.vault import people
from ideovault.vault.events import Event, EventSink
from ideovault.vault.ingest import record_response
from ideovault.vault.owner import current_owner
from ideovault.vault.tags import normalize_tags

if TYPE_CHECKING:
    from ideovault.api.params import GenerateParams
    from ideovault.api.responses import GenerateResponse
    from ideovault.vault.core import Vault
    from ideovault.vault.spending import Quote


@dataclass(frozen=True)
class Started:
    """A request that passed every check and has its generation row (status requested)."""

    request: GenerateParams  # with its inputs stored in the vault
    generation: GenerationRecord
    offer: Quote
    tags: tuple[str, ...]
    emit: Callable[[Event], None]


def start(
    vault: Vault,
    request: GenerateParams,
    *,
    tags: Iterable[str] = (),
    on_event: EventSink | None = None,
    dedupe: str | None = None,
    force: bool = False,
    max_usd: float | None = None,
    endpoint: str | None = None,
) -> Started | list[ImageRecord]:
    """Dedupe, budget, key, inputs, generation row — or the earlier images of an identical
    request (a list) when the dedupe policy answers from the vault. Nothing is sent."""
    from ideovault.vault import spending

    clean_tags = normalize_tags(tags)
    usd(max_usd, "--budget")  # bad input even when the vault could answer without a call
    emit = on_event or (lambda _e: None)
    policy = dedupe or str(vault.settings.extra.get("dedupe", "seeded"))
    if not force and (reused := spending.reusable(vault, request, policy)) is not None:
        emit(Event("reused", reused[0].generation_id, total=len(reused)))
        return [vault._present(r) for r in reused]
    offer = spending.quote(vault, request)
    spending.check_budget(vault, offer, max_usd)
    return begin(vault, request, offer, tags=clean_tags, on_event=emit, endpoint=endpoint)


Starter = Callable[[dict[str, Any]], None]


def begin(
    vault: Vault,
    request: GenerateParams,
    offer: Quote,
    *,
    tags: Iterable[str] = (),
    on_event: EventSink | None = None,
    starter: Starter | None = None,
    endpoint: str | None = None,
) -> Started:
    """Key, inputs, generation row: the last steps before a call, with no dedupe or budget
    (a batch checked those for the whole batch). ``starter`` writes the row itself — a batch
    marks its item sent in the same transaction — instead of the plain insert."""
    from ideovault.vault.inputs import store_inputs

    emit = on_event or (lambda _e: None)
    if vault._client is None and not vault.settings.api_key:
        # A missing key is bad usage: fail before writing anything or spending anything.
        raise MissingKey()
    request = store_inputs(vault, request)
    values: dict[str, Any] = {
        "id": ids.new_id(),
        "endpoint": endpoint or request.endpoint,
        "operation": request.operation,
        "model": request.model,
        "request": request.canonical(),
        "fingerprint": request.fingerprint(),
        "owner": current_owner(),
        "created_at": datetime.now(UTC),
        "cost_usd": offer.estimated_usd,  # counts towards budgets even if never answered
    }
    if starter is None:
        generation = vault.catalog.create_generation(**values)
    else:
        starter({**values, "status": GenerationStatus.REQUESTED.value, "num_images": 0})
        generation = vault.catalog.get_generation(values["id"])
    people.note_generation(vault, generation.id, offer.estimated_usd, request.model)
    emit(Event("sent", generation.id, total=request.num_images))
    return Started(request, generation, offer, normalize_tags(tags), emit)


def fail(vault: Vault, generation_id: str, exc: ApiError) -> None:
    """Record a refused call (not billed) or one whose outcome is unknown (maybe billed)."""
    status = GenerationStatus.UNKNOWN if exc.billed == "unknown" else GenerationStatus.FAILED
    vault.catalog.fail_generation(generation_id, status=status, error=str(exc))


def record(
    vault: Vault, started: Started, response: GenerateResponse, parent_id: str | None = None
) -> list[ImageRecord]:
    """The answer's image rows, pending, in one transaction (nothing downloaded yet)."""
    request = started.request
    first = request.image or (request.images[0] if request.images else None)
    parent = parent_id or (first.image_id if first else None)
    try:
        images = record_response(
            vault, started.generation, request, response, started.tags,
            started.offer.usd_per_image, parent,
        )  # fmt: skip
    except Exception as exc:  # the API has answered: never let its answer vanish
        raise AnswerNotRecorded(started.generation.id, response, exc) from exc
    if request.operation == "layerize-text":
        images = keep_text_blocks(vault, started.generation.id, images, response)
    started.emit(Event("answered", started.generation.id, total=len(images)))
    return images


class AnswerNotRecorded(IdeovaultError):
    """The API answered (and may have charged) but the catalog could not record the answer,
    most often because its disk is full. The message carries the answer's image links, the
    only copy left; the generation row stays ``requested``, so ``recover`` reports it."""

    def __init__(self, generation_id: str, response: GenerateResponse, exc: Exception) -> None:
        if isinstance(exc, DatabaseFailure):
            why = " ".join(str(exc.orig).split())[:200]
        else:
            why = f"{type(exc).__name__}: {exc}"
        links = " ".join(i.url for i in response.images if i.url) or "none"
        super().__init__(
            f"the API answered generation {generation_id} (it may have been charged) but the "
            f"catalog could not record the answer ({why}). Its image links live about an "
            f"hour: {links} — free space, then run `ideovault recover`, which reports it"
        )


def finish(
    vault: Vault, started: Started, response: GenerateResponse, parent_id: str | None = None
) -> list[ImageRecord]:
    """Record the answer, then download every image into the blob store."""
    images = record(vault, started, response, parent_id)
    return vault._download_all(images, started.generation, started.emit)


def keep_text_blocks(
    vault: Vault, generation_id: str, images: list[ImageRecord], response: GenerateResponse
) -> list[ImageRecord]:
    """Layerize-text's blocks go on its base image's record, before the download writes the
    sidecar: one description ``{"text_blocks", "text", "format": "layerize"}`` whose ``text``
    (every block's words) is what search finds."""
    from ideovault.api.responses import LayerizeResponse
    from ideovault.catalog import lineage as queries

    answer = LayerizeResponse.parse(response.raw)
    when = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    entry = {
        "text_blocks": answer.text_blocks, "text": answer.text, "format": "layerize",
        "generation_id": generation_id, "created_at": when,
    }  # fmt: skip
    for image in images:
        queries.add_descriptions(vault.catalog, image.id, [entry])
    return [vault.catalog.get_image(image.id) for image in images]
