"""Ideogram 4.0 async generation (docs/ideogram-api.md §8), retry-safe and crash-safe.

The flow is the sending pipeline's (``sending/pipeline.py``) with another
:class:`~ideovault.vault.sending.pipeline.AnswerSource`: the usual checks and a generation row
→ submit → the API's ``generation_id`` saved on the row BEFORE any waiting → poll with growing
pauses until completed or failed → record and download exactly as a synchronous answer.

Why this is safer than a synchronous POST: once the id is saved, nothing is ever sent twice.
A poll is a question; a lost answer is asked again. A process that dies (or gives up waiting)
leaves a row with the id, and ``recover`` — or :func:`collect` — polls it and stores
the images, as long as the API still knows the id and the links live. Only a crash between the
submit and saving the id leaves an "unknown" generation, as a synchronous call would.

Webhooks: the API insists on a ``webhook_url`` (https, public host) even though ideovault polls;
deliveries can be checked with :func:`ideovault.api.webhooks.verify` by whoever receives them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ideovault.api import enums
from ideovault.api.errors import ApiError, GenerationNotFound
from ideovault.catalog.records import GenerationRecord, GenerationStatus, ImageRecord
from ideovault.errors import IdeovaultError, UserError
from ideovault.vault.events import Event, EventSink
from ideovault.vault.presenting import present
from ideovault.vault.sending.options import SendOptions
from ideovault.vault.sending.pipeline import Pipeline, Started

if TYPE_CHECKING:
    from ideovault.api.params import GenerateParams
    from ideovault.vault.context import VaultContext

Images = list[ImageRecord]
DEFAULT_TIMEOUT = 600.0  # seconds of waiting before handing the generation over to `recover`
DEFAULT_POLL_INTERVAL = 1.0  # first pause; grows by half each poll up to MAX_POLL_INTERVAL
MAX_POLL_INTERVAL = 10.0


class StillRunning(IdeovaultError):
    """The generation was not finished (or could not be asked about) in time; it is saved and
    ``ideovault recover`` collects it later. Nothing is lost and nothing is sent again."""


class GenerationFailed(ApiError):
    """The API reports the async generation failed (not billed, §7)."""


def _setting(ctx: VaultContext, name: str, given: float | None, default: float) -> float:
    value = given if given is not None else ctx.settings.extra.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 86400:
        raise UserError(f"{name} must be a number of seconds between 0 and 86400")
    return float(value)


def webhook_for(ctx: VaultContext, given: str | None) -> str:
    """The webhook URL the API requires: given, or ``webhook_url`` in ideovault.toml."""
    url = given or ctx.settings.extra.get("webhook_url")
    if not url or not isinstance(url, str):
        raise UserError(
            "async generation needs a webhook URL — the API requires one even though ideovault "
            "polls for the result: pass --webhook-url https://… or set webhook_url in "
            "ideovault.toml"
        )
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (a bad port raises here)
    except ValueError:
        raise UserError("the webhook URL is not a valid URL") from None
    if parts.scheme != "https" or not parts.hostname:
        raise UserError("the webhook URL must be an https:// URL with a host")
    if len(url) > enums.MAX_WEBHOOK_URL_CHARS:
        raise UserError(f"the webhook URL is over {enums.MAX_WEBHOOK_URL_CHARS} characters")
    return url


@dataclass
class AsyncAnswer:
    """4.0's async route as the pipeline's answer source: submit, save the remote id, poll."""

    webhook_url: str
    timeout: float
    pause: float
    endpoint: str | None = enums.V4_ASYNC_ENDPOINT

    def answer(self, pipeline: Pipeline, started: Started) -> Images:
        ctx = pipeline.ctx
        try:
            remote = ctx.client.submit_async(started.request, self.webhook_url)
        except ApiError as exc:
            pipeline.fail(started.generation.id, exc)
            raise
        generation = ctx.catalog.generations.note_submitted(
            started.generation.id, remote, started.tags
        )
        started.emit(Event("submitted", generation.id))
        return _wait(pipeline, replace(started, generation=generation), self.timeout, self.pause)


def generate_async(
    ctx: VaultContext,
    request: GenerateParams,
    options: SendOptions | None = None,
    *,
    webhook_url: str | None = None,
    timeout: float | None = None,
    poll_interval: float | None = None,
) -> Images:
    """Send ``request`` by the async route and store its images (see the module doc)."""
    if request.operation != "generate" or request.family != "v4":
        raise UserError("async generation is offered only by Ideogram 4.0 generate (-m V_4)")
    source = AsyncAnswer(
        webhook_for(ctx, webhook_url),
        _setting(ctx, "async_timeout", timeout, DEFAULT_TIMEOUT),
        _setting(ctx, "async_poll_interval", poll_interval, DEFAULT_POLL_INTERVAL),
    )
    return Pipeline(ctx, source).send(request, options)


def resume(ctx: VaultContext, generation: GenerationRecord, on_event: EventSink | None) -> Started:
    """Rebuild what the pipeline's start made, from a saved async generation (recover,
    collect)."""
    from ideovault.api.params import parse_params
    from ideovault.vault.spending import quote

    saved: dict[str, Any] = dict(generation.request)
    saved.pop("endpoint", None)
    request = parse_params(**saved)
    tags = tuple(
        str(t) for t in ctx.catalog.generations.submission(generation.id).get("tags") or ()
    )
    emit = on_event or (lambda _e: None)
    return Started(request, generation, quote(ctx, request), tags, emit)


def collect(
    ctx: VaultContext,
    generation_id: str,
    *,
    timeout: float | None = None,
    poll_interval: float | None = None,
    on_event: EventSink | None = None,
) -> Images:
    """Wait for a saved async generation (e.g. one whose wait timed out) and store its images."""
    generation = ctx.catalog.generations.get(generation_id)
    if generation.remote_id is None:
        raise UserError(f"generation {generation.id} was not an async generation")
    if generation.status == GenerationStatus.ANSWERED:
        return [present(ctx, r) for r in ctx.catalog.images.of_generation(generation.id)]
    if generation.status != GenerationStatus.REQUESTED:
        raise UserError(
            f"generation {generation.id} is {generation.status.value}: {generation.error}"
        )
    wait_s = _setting(ctx, "async_timeout", timeout, DEFAULT_TIMEOUT)
    pause = _setting(ctx, "async_poll_interval", poll_interval, DEFAULT_POLL_INTERVAL)
    pipeline = Pipeline(ctx)
    started = resume(ctx, generation, on_event)
    images = _wait(pipeline, started, wait_s, pause)
    return pipeline.download_all(images, started.generation, started.emit)


def poll_once(ctx: VaultContext, started: Started) -> Images | None:
    """Ask once; record the images (pending, not downloaded) when completed; None if running.

    A failed generation, or one the API no longer knows, is marked and raised."""
    generation = started.generation
    assert generation.remote_id is not None
    pipeline = Pipeline(ctx)
    try:
        result = ctx.client.poll(generation.remote_id)
    except GenerationNotFound as exc:
        ctx.catalog.generations.fail(generation.id, status=GenerationStatus.UNKNOWN, error=str(exc))
        raise
    if result.status == "completed" and result.response is not None:
        return pipeline.record(started, result.response)
    if result.status == "failed":
        error = GenerationFailed(
            f"Ideogram reports that async generation {generation.remote_id} failed "
            "(a failed generation is not billed); send it again if you still want it"
        )
        pipeline.fail(generation.id, error)
        raise error
    return None


def _wait(pipeline: Pipeline, started: Started, timeout: float, pause: float) -> Images:
    """Poll until the answer is recorded (its images still pending) or the time is up."""
    deadline = time.monotonic() + timeout
    generation = started.generation
    while True:
        try:
            images = poll_once(pipeline.ctx, started)
        except (GenerationFailed, GenerationNotFound):
            raise
        except ApiError as exc:  # the network or the API is down: the work is safe, saved
            raise StillRunning(
                f"could not ask Ideogram about generation {generation.id[:13]} ({exc}); it is "
                "saved with its async id: run `ideovault recover` later to collect it"
            ) from None
        if images is not None:
            return images
        left = deadline - time.monotonic()
        if left <= 0:
            raise StillRunning(
                f"generation {generation.id[:13]} was still running at Ideogram after "
                f"{timeout:g} s; it is saved with its async id: run `ideovault recover` "
                "later to collect its images"
            )
        started.emit(Event("waiting", generation.id))
        time.sleep(min(pause, left))
        pause = min(pause * 1.5, MAX_POLL_INTERVAL)
