"""The one way a request is sent and its answer kept, for every route (generate, each image
operation, describe's row, a batch item) and both ways of getting an answer.

The steps (docs/architecture.md): dedupe and budget → key, inputs, generation row (requested)
→ the answer (:class:`AnswerSource`: one POST, or 4.0's submit + poll) → one transaction with
every image row (pending, url, expiry) → parallel downloads into the blob store, each checked,
with its sidecar → image rows stored → their embeddings queued. A crash at any point leaves
rows that say what is missing, and ``recover`` finishes the work.

A batch plugs in through one hook, the :data:`Starter`: it writes the generation row and marks
its item ``sent`` in the same transaction, which is what makes a batch item exactly-once.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from ideovault import ids
from ideovault.api.errors import ApiError
from ideovault.catalog.engine import DatabaseFailure
from ideovault.catalog.records import (
    GenerationRecord,
    GenerationStatus,
    ImageRecord,
    ImageStatus,
)
from ideovault.config_checks import usd
from ideovault.errors import IdeovaultError
from ideovault.vault import people
from ideovault.vault.events import Event
from ideovault.vault.owner import current_owner
from ideovault.vault.presenting import present
from ideovault.vault.sending.options import DEFAULT, SendOptions
from ideovault.vault.sending.storing import record_response, store_image
from ideovault.vault.tags import normalize_tags

if TYPE_CHECKING:
    from ideovault.api.params import GenerateParams
    from ideovault.api.responses import GenerateResponse
    from ideovault.vault.context import VaultContext
    from ideovault.vault.spending import Quote

Images = list[ImageRecord]
# Writes the generation row from its column values (a batch: and marks its item sent, in one
# transaction; raising stops the send before anything is called).
Starter = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class Started:
    """A request that passed every check and has its generation row (status requested)."""

    request: GenerateParams  # with its inputs stored in the vault
    generation: GenerationRecord
    offer: Quote
    tags: tuple[str, ...]
    emit: Callable[[Event], None]
    parent_id: str | None = None  # the outputs' parent when not the first input image


class AnswerSource(Protocol):
    """How the API's answer is obtained; the only step in which sync and async sending differ.

    ``endpoint`` is what the generation row records (None: the request's own route).
    ``answer`` returns the answer's image rows, recorded with :meth:`Pipeline.record` (still
    pending); on a refusal it marks the generation (:meth:`Pipeline.fail`) and raises."""

    endpoint: str | None

    def answer(self, pipeline: Pipeline, started: Started) -> Images: ...


class SyncAnswer:
    """One POST to the request's route (``ctx.client.generate``), answered in the response."""

    endpoint: str | None = None

    def answer(self, pipeline: Pipeline, started: Started) -> Images:
        try:
            response = pipeline.ctx.client.generate(started.request)
        except ApiError as exc:
            pipeline.fail(started.generation.id, exc)
            raise
        return pipeline.record(started, response)


class Pipeline:
    """Send requests and keep their answers, for one vault (a :class:`VaultContext`)."""

    def __init__(self, ctx: VaultContext, source: AnswerSource | None = None) -> None:
        self.ctx = ctx
        self.source: AnswerSource = source or SyncAnswer()

    # -- the whole way -----------------------------------------------------------------------

    def send(
        self,
        request: GenerateParams,
        options: SendOptions | None = None,
        *,
        parent_id: str | None = None,
    ) -> Images:
        """Check, send, record, download, store: every image, unsafe ones included — or the
        images of an identical earlier request, when the dedupe policy answers it."""
        started = self.start(request, options, parent_id=parent_id)
        if isinstance(started, list):
            return started  # answered from the vault
        return self.finish(started)

    def finish(self, started: Started) -> Images:
        """Obtain the answer, then download every image into the blob store."""
        return self.download_all(self.answer(started), started.generation, started.emit)

    def answer(self, started: Started) -> Images:
        """Obtain and record the answer, its images still pending (a batch downloads them in
        another thread, with :meth:`store_pending`, so that its next call need not wait)."""
        return self.source.answer(self, started)

    # -- before the call ---------------------------------------------------------------------

    def start(
        self,
        request: GenerateParams,
        options: SendOptions | None = None,
        *,
        parent_id: str | None = None,
    ) -> Started | Images:
        """Dedupe, budget, key, inputs, generation row — or the earlier images of an identical
        request (a list) when the dedupe policy answers from the vault. Nothing is sent."""
        from ideovault.vault import spending

        opts = options or DEFAULT
        ctx = self.ctx
        usd(opts.max_usd, "--budget")  # bad input even when the vault could answer without a call
        emit = opts.on_event or _quiet
        policy = opts.dedupe or str(ctx.settings.extra.get("dedupe", "seeded"))
        if not opts.force and (reused := spending.reusable(ctx, request, policy)) is not None:
            emit(Event("reused", reused[0].generation_id, total=len(reused)))
            return [present(ctx, r) for r in reused]
        offer = spending.quote(ctx, request)
        spending.check_budget(ctx, offer, opts.max_usd)
        return self.begin(request, offer, opts, parent_id=parent_id)

    def begin(
        self,
        request: GenerateParams,
        offer: Quote,
        options: SendOptions | None = None,
        *,
        starter: Starter | None = None,
        parent_id: str | None = None,
    ) -> Started:
        """Key, inputs, generation row: the last steps before a call. Dedupe and budget are
        :meth:`start`'s (a batch checks its budget for the whole file), so of ``options`` only
        the tags and the events count here. ``starter`` writes the row itself instead of the
        plain insert: the batch hook."""
        from ideovault.vault.inputs import store_inputs

        ctx = self.ctx
        opts = options or DEFAULT
        emit = opts.on_event or _quiet
        ctx.require_key()  # a missing key is bad usage: refused before anything
        request = store_inputs(ctx, request)
        values: dict[str, Any] = {
            "id": ids.new_id(),
            "endpoint": self.source.endpoint or request.endpoint,
            "operation": request.operation,
            "model": request.model,
            "request": request.canonical(),
            "fingerprint": request.fingerprint(),
            "owner": current_owner(),
            "created_at": datetime.now(UTC),
            "cost_usd": offer.estimated_usd,  # counts towards budgets even if never answered
        }
        if starter is None:
            generation = ctx.catalog.generations.create(**values)
        else:
            starter({**values, "status": GenerationStatus.REQUESTED.value, "num_images": 0})
            generation = ctx.catalog.generations.get(values["id"])
        people.note_generation(ctx, generation.id, offer.estimated_usd, request.model)
        emit(Event("sent", generation.id, total=request.num_images))
        return Started(request, generation, offer, normalize_tags(opts.tags), emit, parent_id)

    # -- the answer --------------------------------------------------------------------------

    def fail(self, generation_id: str, exc: ApiError) -> None:
        """Record a refused call (not billed) or one whose outcome is unknown (maybe billed)."""
        status = GenerationStatus.UNKNOWN if exc.billed == "unknown" else GenerationStatus.FAILED
        self.ctx.catalog.generations.fail(generation_id, status=status, error=str(exc))

    def record(self, started: Started, response: GenerateResponse) -> Images:
        """The answer's image rows, pending, in one transaction (nothing downloaded yet)."""
        request = started.request
        first = request.image or (request.images[0] if request.images else None)
        parent = started.parent_id or (first.image_id if first else None)
        try:
            images = record_response(
                self.ctx, started.generation, request, response, started.tags,
                started.offer.usd_per_image, parent,
            )  # fmt: skip
        except Exception as exc:  # the API has answered: never let its answer vanish
            raise AnswerNotRecorded(started.generation.id, response, exc) from exc
        if request.operation == "layerize-text":
            images = self._keep_text_blocks(started.generation.id, images, response)
        started.emit(Event("answered", started.generation.id, total=len(images)))
        return images

    def _keep_text_blocks(
        self, generation_id: str, images: Images, response: GenerateResponse
    ) -> Images:
        """Layerize-text's blocks go on its base image's record, before the download writes the
        sidecar: one description ``{"text_blocks", "text", "format": "layerize"}`` whose
        ``text`` (every block's words) is what search finds."""
        from ideovault.api.responses import LayerizeResponse

        answer = LayerizeResponse.parse(response.raw)
        when = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        entry = {
            "text_blocks": answer.text_blocks, "text": answer.text, "format": "layerize",
            "generation_id": generation_id, "created_at": when,
        }  # fmt: skip
        catalog = self.ctx.catalog
        for image in images:
            catalog.images.add_descriptions(image.id, [entry])
        return [catalog.images.get(image.id) for image in images]

    # -- after the answer --------------------------------------------------------------------

    def download_all(
        self, images: Images, generation: GenerationRecord, emit: Callable[[Event], None]
    ) -> Images:
        """Download the pending images (in parallel), store them with their sidecars, mark
        them stored and queue their embeddings; returns every image, presented."""
        ctx = self.ctx
        todo = [r for r in images if r.status == ImageStatus.PENDING]
        done: dict[str, ImageRecord] = {}
        workers = max(1, min(ctx.settings.download_workers, len(todo)))
        if len(todo) == 1:  # no pool for one image: a batch thread would start one per item
            done[todo[0].id] = store_image(ctx, todo[0], generation)
            emit(Event("image", generation.id, image=done[todo[0].id]))
        elif todo:
            with ThreadPoolExecutor(workers, thread_name_prefix="download") as pool:
                for record in pool.map(lambda r: store_image(ctx, r, generation), todo):
                    done[record.id] = record
                    emit(Event("image", generation.id, image=record))
        if done:  # one image as well as many
            from ideovault.vault.semantic import embed_on_store  # numpy only when storing

            stored = [r for r in done.values() if r.status == ImageStatus.STORED]
            embed_on_store(ctx, stored)
        return [present(ctx, done.get(r.id, r)) for r in images]

    def store_pending(self, images: Images, generation: GenerationRecord) -> Images:
        """Download an answer's pending images (the batch runner, in its store pool)."""
        return self.download_all(images, generation, _quiet)

    def store_image(self, record: ImageRecord, generation: GenerationRecord) -> ImageRecord:
        """Download one pending image and mark it stored, expired, or still pending with why."""
        return store_image(self.ctx, record, generation)


def _quiet(_event: Event) -> None:
    pass


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
