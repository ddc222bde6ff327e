"""``vault.generations``: everything that sends a request to Ideogram and keeps what comes back
— generate, every operation on an existing image, describe, magic-prompt, reproduce, and 4.0's
async generation — plus pricing a request without sending it.

Every method that sends takes one :class:`~ideovault.vault.sending.SendOptions` (tags, dedupe,
force, budget, progress events) and goes through the one sending pipeline
(``sending/pipeline.py``): the same validation, dedupe, budget, recording and downloads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ideovault.catalog.records import ImageRecord
from ideovault.vault.context import VaultContext
from ideovault.vault.sending.options import SendOptions
from ideovault.vault.sending.verbs import OperationVerbs, Source

if TYPE_CHECKING:  # the HTTP client, validation and Pillow load only when generating
    from ideovault.api.params import GenerateParams
    from ideovault.api.uploads import Upload
    from ideovault.vault.describe import Described, V4Options
    from ideovault.vault.events import EventSink
    from ideovault.vault.reproduce import Reproduction
    from ideovault.vault.spending import Quote

Images = list[ImageRecord]


class Generations(OperationVerbs["GenerateParams"]):
    """Sending requests and keeping their answers, for one vault."""

    def __init__(self, ctx: VaultContext) -> None:
        self._ctx = ctx

    # -- preparing and pricing ---------------------------------------------------------------

    def prepare(self, prompt: str = "", **params: Any) -> GenerateParams:
        """Validate a request without sending or storing anything (UserError on bad input).

        Input images (``image``, ``mask``, references) may be given as vault ids or file
        paths; they are read and checked here, and stored in the vault only when sent.
        """
        from ideovault.vault.inputs import prepare

        return prepare(self._ctx, prompt, **params)

    def quote(self, prompt: str = "", *, within_budget: bool = False, **params: Any) -> Quote:
        """What a request would send and cost, without sending it (a dry run); with
        ``within_budget``, a UserError if sending it would pass a budget."""
        from ideovault.vault.spending import check_budget, quote

        offer = quote(self._ctx, self.prepare(prompt, **params))
        if within_budget:
            check_budget(self._ctx, offer)
        return offer

    def price(self, request: GenerateParams) -> Quote:
        """What a prepared request would cost (``--dry-run``), budgets not checked."""
        from ideovault.vault.spending import quote

        return quote(self._ctx, request)

    # -- sending -----------------------------------------------------------------------------

    def send(
        self,
        request: GenerateParams,
        *,
        options: SendOptions | None = None,
        parent_id: str | None = None,
    ) -> Images:
        """Send a validated request to any image route and keep what comes back, unless an
        identical earlier request answers it (dedupe) or it would pass a budget.

        Input files are stored in the vault first (as ``upload`` records, or matched to a
        record with the same bytes), so every output can name its parent: the input image, or
        ``parent_id`` when given (a reproduction names its original).
        """
        from ideovault.vault.sending.pipeline import Pipeline

        return Pipeline(self._ctx).send(request, options, parent_id=parent_id)

    def start(
        self,
        prompt: str = "",
        *,
        options: SendOptions | None = None,
        webhook_url: str | None = None,
        timeout: float | None = None,
        poll_interval: float | None = None,
        **params: Any,
    ) -> Images:
        """Generate with 4.0's async route: submit, save the id, poll, store (vault/
        asynchronous.py). :class:`StillRunning` when ``timeout`` passes first: ``recover`` or
        :meth:`collect` finishes it later, and nothing is sent twice."""
        from ideovault.api import enums
        from ideovault.vault.asynchronous import generate_async

        request = self.prepare(prompt, **{"model": enums.V4_MODEL, **params})
        return generate_async(
            self._ctx, request, options, webhook_url=webhook_url, timeout=timeout,
            poll_interval=poll_interval,
        )  # fmt: skip

    def collect(
        self,
        generation_id: str,
        *,
        timeout: float | None = None,
        poll_interval: float | None = None,
        on_event: EventSink | None = None,
    ) -> Images:
        """Finish a saved async generation (by its vault generation id or a unique prefix)."""
        from ideovault.vault.asynchronous import collect

        return collect(
            self._ctx, generation_id, timeout=timeout, poll_interval=poll_interval,
            on_event=on_event,
        )  # fmt: skip

    # -- words about images ------------------------------------------------------------------

    def describe(
        self,
        source: Source | Upload,
        *,
        model_version: str | None = None,
        max_usd: float | None = None,
        v4: V4Options | None = None,
    ) -> Described:
        """Ask the API to describe an image; the texts are kept on the image's record.

        With ``v4`` (a :class:`~ideovault.vault.describe.V4Options`), 4.0's describe answers
        with a JSON prompt, kept whole on the record and returned in ``json_prompt``."""
        from ideovault.vault.describe import describe

        return describe(self._ctx, source, model_version, max_usd, v4)

    def magic_prompt(self, text: str, aspect_ratio: str | None = None) -> dict[str, Any]:
        """4.0's magic-prompt: ``{"json_prompt", "aspect_ratio"}`` for a text prompt, to edit
        and send back with ``generate(json_prompt=...)``. Nothing is stored."""
        from ideovault.vault.prompts import magic_prompt

        return magic_prompt(self._ctx, text, aspect_ratio)

    # -- reproducing -------------------------------------------------------------------------

    def reproduce(self, image_id: str, *, options: SendOptions | None = None) -> Reproduction:
        """Send the request that made an image again, with its seed; compare the bytes.
        The options' ``max_usd`` refuses it, before any call, if the estimate is higher."""
        from ideovault.vault.reproduce import reproduce

        return reproduce(self._ctx, image_id, options=options)

    def reproduce_quote(self, image_id: str, *, force: bool = False) -> Quote:
        """What reproducing would cost ($0 when the vault answers it), budget-checked."""
        from ideovault.vault.reproduce import reproduce_quote

        return reproduce_quote(self._ctx, image_id, force=force)
