"""The vault: the one public face of ideovault. CLI and web call this; it calls api, catalog, blobs.

The flow of one generation (docs/architecture.md): validate → generation row (requested) →
API call → one transaction with every image row (pending, url, expiry) → parallel downloads
into the blob store, each checked → image rows stored. A crash at any point leaves rows that
say what is missing, and ``vault.upkeep.recover()`` finishes the work.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ideovault.api.errors import ApiError
from ideovault.blobs import BlobStore, open_store
from ideovault.catalog import Catalog
from ideovault.catalog.records import (
    GenerationRecord,
    ImageRecord,
    ImageStatus,
)
from ideovault.config import Settings, load_settings
from ideovault.vault.albums import Albums
from ideovault.vault.asynchronous import AsyncOps
from ideovault.vault.batch_ops import BatchOps
from ideovault.vault.context import VaultContext
from ideovault.vault.editing import EditingOps
from ideovault.vault.events import Event, EventSink
from ideovault.vault.images import Images as ImageService
from ideovault.vault.people_service import People
from ideovault.vault.presenting import present, sidecar_document
from ideovault.vault.selection import Selection
from ideovault.vault.shares_service import Shares
from ideovault.vault.upkeep import Upkeep

if TYPE_CHECKING:  # the HTTP client, validation and Pillow load only when generating
    from ideovault.api.client import IdeogramClient
    from ideovault.api.params import GenerateParams
    from ideovault.vault.flow import Started, Starter
    from ideovault.vault.spending import Quote

log = logging.getLogger("ideovault.vault")

# The return type of every method that answers image records.
Images = list[ImageRecord]


class Vault(EditingOps, AsyncOps, BatchOps):
    """A catalog plus a blob store plus an API client, opened from :class:`Settings`."""

    def __init__(self, context: VaultContext) -> None:
        self.context = context
        self.images = ImageService(context)
        self.albums = Albums(context)
        self.selection = Selection(context)
        self.upkeep = Upkeep(context)
        self.people = People(context)
        self.shares = Shares(context)

    # -- transitional: the mixins still read these; each goes when its area is a service ----

    @property
    def settings(self) -> Settings:  # type: ignore[override]
        return self.context.settings

    @property
    def catalog(self) -> Catalog:
        return self.context.catalog

    @property
    def store(self) -> BlobStore:  # type: ignore[override]
        return self.context.store

    @property
    def client(self) -> IdeogramClient:
        return self.context.client

    @property
    def _client(self) -> IdeogramClient | None:
        return self.context._client

    @classmethod
    def open(
        cls,
        home: str | Path | None = None,
        database_url: str | None = None,
        storage_url: str | None = None,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        settings: Settings | None = None,
    ) -> Vault:
        """Open (creating and migrating if needed) the vault that the settings point at."""
        if settings is None:
            settings = load_settings(home, database_url, storage_url, api_key, base_url)
        settings.home.mkdir(parents=True, exist_ok=True)
        catalog = Catalog.open(settings.database_url)
        try:
            store = open_store(settings.storage_url)
        except BaseException:
            catalog.close()
            raise
        return cls(VaultContext(settings, catalog, store))

    def _vault(self) -> Vault:
        return self

    def close(self) -> None:
        self.context.close()

    def __enter__(self) -> Vault:
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- transitional: other areas' modules still present records through the facade -------

    def _present(self, record: ImageRecord) -> ImageRecord:
        return present(self.context, record)

    # -- generating --------------------------------------------------------------------------

    def quote(self, prompt: str = "", *, within_budget: bool = False, **params: Any) -> Quote:
        """What a request would send and cost, without sending it (a dry run); with
        ``within_budget``, a UserError if sending it would pass a budget."""
        from ideovault.vault.spending import check_budget, quote

        offer = quote(self, self.prepare(prompt, **params))
        if within_budget:
            check_budget(self, offer)
        return offer

    def price(self, request: GenerateParams) -> Quote:
        """What a prepared request would cost (``--dry-run``), budgets not checked."""
        from ideovault.vault.spending import quote

        return quote(self, request)

    def prepare(self, prompt: str = "", **params: Any) -> GenerateParams:
        """Validate a request without sending or storing anything (UserError on bad input).

        Input images (``image``, ``mask``, references) may be given as vault ids or file
        paths; they are read and checked here, and stored in the vault only when sent.
        """
        from ideovault.api.params import parse_params
        from ideovault.vault.inputs import resolve_uploads

        return parse_params(prompt=prompt, **resolve_uploads(self, params))

    def generate(
        self,
        prompt: str = "",
        *,
        tags: Iterable[str] = (),
        on_event: EventSink | None = None,
        dedupe: str | None = None,
        force: bool = False,
        max_usd: float | None = None,
        **params: Any,
    ) -> Images:
        """Generate, download at once, store and catalog; returns every image, unsafe included.

        An identical earlier request may be answered from the vault instead (``dedupe``:
        seeded, always, never; ``force`` always calls), and a request over a budget is refused
        before anything is sent.
        """
        request = self.prepare(prompt, **params)
        return self.send(
            request, tags=tags, on_event=on_event, dedupe=dedupe, force=force, max_usd=max_usd
        )

    def send(
        self,
        request: GenerateParams,
        *,
        tags: Iterable[str] = (),
        on_event: EventSink | None = None,
        dedupe: str | None = None,
        force: bool = False,
        max_usd: float | None = None,
        parent_id: str | None = None,
    ) -> Images:
        """Send a validated request to any image route and keep what comes back, unless an
        identical earlier request answers it (dedupe) or it would pass a budget.

        Input files are stored in the vault first (as ``upload`` records, or matched to a
        record with the same bytes), so every output can name its parent: the input image, or
        ``parent_id`` when given (a reproduction names its original).
        """
        from ideovault.vault import flow

        started = flow.start(
            self, request, tags=tags, on_event=on_event, dedupe=dedupe, force=force,
            max_usd=max_usd,
        )  # fmt: skip
        if isinstance(started, list):
            return started  # answered from the vault
        return self._call(started, parent_id)

    def dispatch(
        self,
        request: GenerateParams,
        offer: Quote,
        *,
        tags: tuple[str, ...] = (),
        on_event: EventSink | None = None,
        start: Starter | None = None,
        parent_id: str | None = None,
    ) -> Images:
        """Send one validated, priced request and store its images (no dedupe, no budget).

        ``start`` writes the generation row before the call; a batch passes one that also
        marks its item ``sent`` in the same transaction (or raises to stop the send), which is
        what makes a batch item exactly-once. By default the row is simply created.
        """
        from ideovault.vault import flow

        started = flow.begin(self, request, offer, tags=tags, on_event=on_event, starter=start)
        return self._call(started, parent_id)

    def answer(
        self, request: GenerateParams, offer: Quote, *, tags: tuple[str, ...], start: Starter
    ) -> tuple[Images, GenerationRecord]:
        """``dispatch`` without the downloads: the answer's records (still pending) and the
        generation to store them with (``store_pending``). The batch runner downloads in other
        threads, so that its next call does not wait for them."""
        from ideovault.vault import flow

        started = flow.begin(self, request, offer, tags=tags, starter=start)
        return self._answer(started, None), started.generation

    def _call(self, started: Started, parent_id: str | None) -> Images:
        images = self._answer(started, parent_id)
        return self._download_all(images, started.generation, started.emit)

    def _answer(self, started: Started, parent_id: str | None) -> Images:
        from ideovault.vault import flow

        try:
            response = self.client.generate(started.request)
        except ApiError as exc:
            flow.fail(self, started.generation.id, exc)
            raise
        return flow.record(self, started, response, parent_id)

    def _download_all(
        self,
        images: Images,
        generation: GenerationRecord,
        emit: Callable[[Event], None],
    ) -> Images:
        todo = [r for r in images if r.status == ImageStatus.PENDING]
        done: dict[str, ImageRecord] = {}
        workers = max(1, min(self.settings.download_workers, len(todo)))
        if len(todo) == 1:  # no pool for one image: a batch thread would start one per item
            done[todo[0].id] = self.store_image(todo[0], generation)
            emit(Event("image", generation.id, image=done[todo[0].id]))
        elif todo:
            with ThreadPoolExecutor(workers, thread_name_prefix="download") as pool:
                for record in pool.map(lambda r: self.store_image(r, generation), todo):
                    done[record.id] = record
                    emit(Event("image", generation.id, image=record))
        if done:  # one image as well as many
            from ideovault.vault.semantic import embed_on_store  # numpy only when storing

            stored = [r for r in done.values() if r.status == ImageStatus.STORED]
            embed_on_store(self.context, stored)
        return [self._present(done.get(r.id, r)) for r in images]

    def store_pending(self, images: Images, generation: GenerationRecord) -> Images:
        """Download an answer's pending images as ``dispatch`` does (after ``download=False``)."""
        return self._download_all(images, generation, lambda _event: None)

    def store_image(self, record: ImageRecord, generation: GenerationRecord) -> ImageRecord:
        """Download one pending image and mark it stored, expired, or still pending with why."""
        from ideovault.vault.ingest import store_image

        return store_image(self, record, generation)

    @staticmethod
    def sidecar_document(record: ImageRecord, generation: GenerationRecord) -> dict[str, Any]:
        return sidecar_document(record, generation)

