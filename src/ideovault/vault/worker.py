"""The batch runner: claim items, send each through the sending pipeline, store, settle — in
threads (the pipeline's batch hook is its ``Starter``, see ``sending/pipeline.py``).

One loop serves both ``ideovault batch`` (one batch, in this process, until it is done) and
``ideovault worker`` (any open batch, alongside other worker processes on a shared PostgreSQL
catalog). A bounded thread pool (``concurrency``) keeps that many requests in flight — by
default as many as the process's limiter has places (``api/limits.py``: the in-flight cap,
10 images unless ``[limits] max_in_flight`` says otherwise), and never more items claimed than
the limiter's current window, which shrinks on 429s and grows back as calls are answered.
An answered item's downloads (and their checks: sha256, full decode, perceptual hash, sidecar,
catalog) run in a second pool of the same size, so the call's place goes to the next item at
once instead of waiting for them; at most ``concurrency`` answered items wait for that pool.
A heartbeat thread renews this process's leases, so a long call keeps its items, and a dead
process's items are freed when their lease runs out (or at once, when the holder is a dead
process on this machine).

Per item (see ``catalog/batches.py`` for why this is exactly-once):

* ``start`` — the generation row and ``item → sent`` in one transaction; lost lease → not sent;
* API refused it, not billed → back to the queue (429/5xx/connection, a few attempts) or
  ``failed`` (400/422); key or payment refused → back to the queue and the run stops;
* no answer (timeout, dropped connection) → ``unanswered``, never re-sent automatically;
* answered → every image downloaded (pending ones retried a few times) → ``done``; images
  still missing leave the item ``sent`` and unheld, and the next run finishes them.

Stopping (``stop`` set by SIGINT/SIGTERM): no new claims, items not yet sent go back to the
queue, requests in flight are answered and their downloads finished.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ideovault.api.errors import (
    ApiError,
    BadResponse,
    ConnectFailed,
    KeyRejected,
    PaymentRequired,
    RateLimited,
    ServerError,
)
from ideovault.api.limits import DEFAULT_MAX_IN_FLIGHT
from ideovault.catalog.batch_claims import LeaseLost
from ideovault.catalog.batch_records import BatchItem, ItemStatus
from ideovault.catalog.records import GenerationRecord, ImageRecord, ImageStatus
from ideovault.vault.owner import current_owner, owner_alive
from ideovault.vault.sending import SendOptions
from ideovault.vault.sending.pipeline import Pipeline

if TYPE_CHECKING:
    from ideovault.vault.context import VaultContext

log = logging.getLogger("ideovault.worker")

RETRYABLE = (RateLimited, ServerError, ConnectFailed, BadResponse)
FATAL = (KeyRejected, PaymentRequired)


@dataclass(frozen=True)
class ItemOutcome:
    """What happened to one item in this run (for progress bars and summaries)."""

    item_id: str
    status: str  # an ItemStatus value, or "skipped" (another worker has it now)
    stored: int = 0  # images stored
    images: int = 0  # images the item asked for
    missing: int = 0  # images answered but not stored (pending, expired)
    error: str | None = None


@dataclass(frozen=True)
class _Answered:
    """An item the API has answered, its images recorded and not yet downloaded."""

    records: list[ImageRecord]
    generation: GenerationRecord


@dataclass
class RunStats:
    items: dict[str, int] = field(default_factory=dict)
    images_stored: int = 0
    images_missing: int = 0
    elapsed: float = 0.0
    stopped: bool = False  # stopped by a signal before the work was done
    fatal: str | None = None  # the API refused the key or payment: the run stopped

    @property
    def images_per_second(self) -> float:
        return self.images_stored / self.elapsed if self.elapsed > 0 else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "items": dict(self.items),
            "images_stored": self.images_stored,
            "images_missing": self.images_missing,
            "elapsed_seconds": round(self.elapsed, 3),
            "images_per_second": round(self.images_per_second, 2),
            "stopped": self.stopped,
            "fatal": self.fatal,
        }


MALLOC_ARENAS = 2
_M_ARENA_MAX = -8  # glibc's mallopt parameter number (malloc.h)


def limit_malloc_arenas() -> None:
    """Cap glibc's malloc arenas before the pool's threads start.

    glibc gives each new thread its own arena (up to 8 per core) and keeps what each arena
    freed: ten batch threads that each briefly hold a decoded image (~4 MB) left the process
    ~65 MB bigger for good (200 MB instead of 135 MB over a long batch). Two arenas keep the
    threads from contending much while the memory stays flat. Elsewhere (musl, macOS) this
    does nothing; ``MALLOC_ARENA_MAX`` in the environment, when set, wins.
    """
    import ctypes
    import os

    if os.environ.get("MALLOC_ARENA_MAX") or not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL("libc.so.6").mallopt(_M_ARENA_MAX, MALLOC_ARENAS)


class Runner:
    def __init__(
        self,
        ctx: VaultContext,
        *,
        batch_id: str | None = None,
        concurrency: int | None = None,
        lease_seconds: float = 60.0,
        until_idle: bool = True,
        poll_seconds: float = 0.5,
        max_attempts: int = 3,
        download_retries: int = 3,
        stop: threading.Event | None = None,
        on_item: Callable[[ItemOutcome], None] | None = None,
    ) -> None:
        self.ctx = ctx
        self.pipeline = Pipeline(ctx)
        self.store = ctx.catalog.batches
        self.batch_id = batch_id
        self.limiter = ctx.client.limiter
        cap = self.limiter.max_in_flight or DEFAULT_MAX_IN_FLIGHT
        self.concurrency = max(1, concurrency if concurrency is not None else cap)
        self.lease = lease_seconds
        self.until_idle = until_idle
        self.poll = poll_seconds
        self.max_attempts = max_attempts
        self.download_retries = download_retries
        self.stop = stop or threading.Event()
        self.on_item = on_item or (lambda _o: None)
        self.owner = current_owner()
        self.stats = RunStats()
        self._lock = threading.Lock()
        self._finished = threading.Event()
        self._storing: set[Future[None]] = set()  # answered items whose downloads run
        self._store_pool: ThreadPoolExecutor | None = None

    # -- the loop ----------------------------------------------------------------------------

    def run(self) -> RunStats:
        started = time.perf_counter()
        limit_malloc_arenas()
        _ = self.ctx.client  # built once here, shared by every thread
        self.store.adopt_unheld(self.owner, self.lease, self.batch_id)
        beat = threading.Thread(target=self._heartbeat, name="lease-heartbeat", daemon=True)
        beat.start()
        inflight: dict[Future[None], int] = {}  # → images the item asks for
        dead: list[str] = []
        dead_checked = 0.0
        try:
            with (
                ThreadPoolExecutor(self.concurrency, thread_name_prefix="batch-store") as stores,
                ThreadPoolExecutor(self.concurrency, thread_name_prefix="batch") as pool,
            ):
                self._store_pool = stores
                while not self.stop.is_set():
                    claimed: list[BatchItem] = []
                    free = self._room(inflight)
                    if free > 0:
                        if time.monotonic() - dead_checked > 2 * self.poll:
                            dead = [h for h in self.store.holders() if not owner_alive(h)]
                            dead_checked = time.monotonic()
                        claimed = self.store.claim(
                            self.owner, free, self.lease, batch_id=self.batch_id, dead=dead
                        )
                        inflight.update(
                            (pool.submit(self._process, item), item.num_images) for item in claimed
                        )
                    storing = self._still_storing()
                    if not inflight and not storing:
                        if self.until_idle and not self.store.has_open_work(self.batch_id):
                            break
                        self.stop.wait(self.poll)
                        continue
                    if claimed and self._room(inflight) > 0:
                        continue  # there may be more to claim at once
                    done, _ = wait(
                        [*inflight, *storing], timeout=self.poll, return_when=FIRST_COMPLETED
                    )
                    for future in done:
                        inflight.pop(future, None)
                        future.result()
                self.stats.stopped = self.stop.is_set() and self.stats.fatal is None
                for future in inflight:  # finish what is in flight, then its downloads
                    future.result()
                for future in self._still_storing():
                    future.result()
        finally:
            self._finished.set()
            beat.join(timeout=5)
            self.stats.elapsed = time.perf_counter() - started
        return self.stats

    def _room(self, inflight: dict[Future[None], int]) -> int:
        """How many more items to claim now: up to the pool's size, and no more images in
        flight than the limiter's window (less than the cap after 429s), so claimed items do
        not queue for a place while their leases age. Always one when nothing is in flight."""
        free = self.concurrency - len(inflight)
        free = min(free, 2 * self.concurrency - len(inflight) - len(self._still_storing()))
        window = self.limiter.window
        if window:
            free = min(free, window - sum(inflight.values()))
        return free if inflight else max(1, free)

    def _still_storing(self) -> list[Future[None]]:
        with self._lock:
            self._storing = {f for f in self._storing if not f.done()}
            return list(self._storing)

    def _heartbeat(self) -> None:
        interval = max(0.05, self.lease / 3)
        while not self._finished.wait(interval):
            try:
                self.store.renew(self.owner, self.lease)
            except Exception:  # a database hiccup: the next beat tries again
                log.warning("could not renew leases", exc_info=True)

    def _record(self, outcome: ItemOutcome) -> None:
        with self._lock:
            self.stats.items[outcome.status] = self.stats.items.get(outcome.status, 0) + 1
            self.stats.images_stored += outcome.stored
            self.stats.images_missing += outcome.missing
        self.on_item(outcome)

    # -- one item ----------------------------------------------------------------------------

    def _process(self, item: BatchItem) -> None:
        try:
            outcome = self._finish(item) if item.status == ItemStatus.SENT else self._send(item)
        except Exception as exc:  # a bug or an outage (database, blob store): keep the loop alive
            log.exception("item %s (line %d) failed", item.id, item.line_no)
            outcome = self._abandon(item, f"{type(exc).__name__}: {exc}")
        if isinstance(outcome, _Answered):  # its downloads go to the store pool
            assert self._store_pool is not None
            future = self._store_pool.submit(self._store_answered, item, outcome)
            with self._lock:
                self._storing.add(future)
            return
        self._record(outcome)

    def _store_answered(self, item: BatchItem, answered: _Answered) -> None:
        """The second half of an item, in the store pool: download, check and store its images
        (as ``Pipeline.dispatch`` would have), then settle it."""
        try:
            records = self.pipeline.store_pending(answered.records, answered.generation)
            outcome = self._complete(item, records, answered.generation.id)
        except Exception as exc:
            log.exception("item %s (line %d) failed", item.id, item.line_no)
            outcome = self._abandon(item, f"{type(exc).__name__}: {exc}", sent=True)
        self._record(outcome)

    def _send(self, item: BatchItem) -> ItemOutcome | _Answered:
        from ideovault.api.params import GenerateParams
        from ideovault.vault.spending import quote

        settle = self.store.settle
        if self.stop.is_set():
            settle(item.id, self.owner, ItemStatus.QUEUED, "not started: the run was stopped")
            return ItemOutcome(item.id, ItemStatus.QUEUED.value, images=item.num_images)
        request = GenerateParams.model_validate(item.request["params"])
        tags = tuple(item.request.get("tags", ()))
        started: list[str] = []

        def start(values: dict[str, Any]) -> None:
            self.store.start(item.id, self.owner, values)
            started.append(values["id"])

        try:
            offer = quote(self.ctx, request)
            begun = self.pipeline.begin(request, offer, SendOptions(tags=tags), starter=start)
            records, generation = self.pipeline.answer(begun), begun.generation
        except LeaseLost:
            return ItemOutcome(item.id, "skipped")
        except ApiError as exc:
            status = self._after_refusal(item, exc)
            settle(item.id, self.owner, status, str(exc))
            return ItemOutcome(item.id, status.value, images=item.num_images, error=str(exc))
        except Exception as exc:
            if not started:
                raise
            return self._abandon(item, f"{type(exc).__name__}: {exc}", sent=True)
        return _Answered(records, generation)

    def _after_refusal(self, item: BatchItem, exc: ApiError) -> ItemStatus:
        if exc.billed == "unknown":
            return ItemStatus.UNANSWERED
        if isinstance(exc, FATAL):
            with self._lock:
                self.stats.fatal = str(exc)
            self.stop.set()
            return ItemStatus.QUEUED
        if isinstance(exc, RETRYABLE) and item.attempts < self.max_attempts:
            return ItemStatus.QUEUED
        return ItemStatus.FAILED

    def _finish(self, item: BatchItem) -> ItemOutcome:
        """A sent item whose generation was answered: download what is still missing."""
        assert item.generation_id is not None
        records = self.ctx.catalog.images.of_generation(item.generation_id)
        return self._complete(item, records, item.generation_id, retry_first=True)

    def _complete(
        self,
        item: BatchItem,
        records: list[ImageRecord],
        generation_id: str,
        *,
        retry_first: bool = False,
    ) -> ItemOutcome:
        generation: GenerationRecord | None = None  # read only when a download is retried
        for attempt in range(self.download_retries + (1 if retry_first else 0)):
            pending = [r for r in records if r.status == ImageStatus.PENDING]
            if not pending:
                break
            if attempt:
                time.sleep(min(2.0, 0.1 * 2**attempt))
            generation = generation or self.ctx.catalog.generations.get(generation_id)
            again = {r.id: self.pipeline.store_image(r, generation) for r in pending}
            records = [again.get(r.id, r) for r in records]
        stored = sum(r.status == ImageStatus.STORED for r in records)
        unsafe = sum(r.status == ImageStatus.UNSAFE for r in records)
        pending = [r for r in records if r.status == ImageStatus.PENDING]
        missing = len(records) - stored - unsafe
        if pending:
            error = f"{len(pending)} image(s) not downloaded yet ({pending[0].error})"
            self.store.settle(item.id, self.owner, ItemStatus.SENT, error)
            return ItemOutcome(item.id, ItemStatus.SENT.value, stored, len(records), missing, error)
        self.store.settle(item.id, self.owner, ItemStatus.DONE)
        return ItemOutcome(item.id, ItemStatus.DONE.value, stored, len(records), missing)

    def _abandon(self, item: BatchItem, error: str, *, sent: bool = False) -> ItemOutcome:
        """Let go of an item after an unexpected error: unsent → queued again; sent → left
        ``sent`` and unheld, for the next run to finish or report as unanswered."""
        status = ItemStatus.SENT if sent or item.status == ItemStatus.SENT else ItemStatus.QUEUED
        if status == ItemStatus.QUEUED and item.attempts >= self.max_attempts:
            status = ItemStatus.FAILED  # never sent; do not loop on it for ever
        try:
            self.store.settle(item.id, self.owner, status, error[:500])
        except Exception:  # the database itself is down: the lease will free the item
            log.warning("could not release item %s", item.id, exc_info=True)
        return ItemOutcome(item.id, status.value, images=item.num_images, error=error)
