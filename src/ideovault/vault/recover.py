"""Finish what a crash left behind, and say what cannot be finished.

* pending images whose generation's process is gone: download them while the link lives;
  a dead link marks them ``expired``;
* generations sent but never answered, whose process is gone: marked ``unknown`` and reported,
  because the API may have run (and charged) them — there is no idempotency key to ask with;
* except 4.0 async generations, which have an id to ask with: polled once; completed ones get
  their image rows and are downloaded below like any pending image, running ones are reported
  (recover again later), failed ones are marked failed (not billed).

Work owned by a live process (a ``generate`` still running) is left alone and reported as such.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ideovault.catalog.records import GenerationRecord, GenerationStatus, ImageRecord, ImageStatus
from ideovault.vault.owner import owner_alive
from ideovault.vault.presenting import present
from ideovault.vault.sending.storing import store_image

if TYPE_CHECKING:
    from ideovault.vault.context import VaultContext

log = logging.getLogger("ideovault.vault")

UNANSWERED = (
    "sent to the API but never answered (the process stopped); "
    "it may have been charged — check your Ideogram usage before sending it again"
)


@dataclass
class RecoverReport:
    stored: list[ImageRecord] = field(default_factory=list)
    expired: list[ImageRecord] = field(default_factory=list)
    still_pending: list[ImageRecord] = field(default_factory=list)
    unanswered: list[GenerationRecord] = field(default_factory=list)
    in_flight: list[str] = field(default_factory=list)  # generation ids owned by live processes
    async_running: list[str] = field(default_factory=list)  # still running at Ideogram
    async_failed: list[GenerationRecord] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.still_pending or self.async_running)

    def to_json(self) -> dict[str, Any]:
        return {
            "stored": [r.to_json() for r in self.stored],
            "expired": [r.to_json() for r in self.expired],
            "still_pending": [r.to_json() for r in self.still_pending],
            "unanswered": [g.to_json() for g in self.unanswered],
            "in_flight": self.in_flight,
            "async_running": self.async_running,
            "async_failed": [g.to_json() for g in self.async_failed],
        }


def recover(ctx: VaultContext) -> RecoverReport:
    """Finish pending downloads of dead processes; report what cannot be finished."""
    report = RecoverReport()
    catalog = ctx.catalog
    for gen in catalog.generations.unanswered():
        if owner_alive(gen.owner):
            report.in_flight.append(gen.id)
            continue
        if gen.remote_id is not None:
            _collect(ctx, gen, report)
            continue
        catalog.generations.fail(gen.id, status=GenerationStatus.UNKNOWN, error=UNANSWERED)
        report.unanswered.append(catalog.generations.get(gen.id))
    for image, gen in catalog.images.pending():
        # A live process is still downloading it, unless it already gave up (error recorded).
        if image.error is None and owner_alive(gen.owner):
            if gen.id not in report.in_flight:
                report.in_flight.append(gen.id)
            continue
        result = store_image(ctx, image, gen)
        if result.status == ImageStatus.STORED:
            report.stored.append(present(ctx, result))
        elif result.status == ImageStatus.EXPIRED:
            report.expired.append(result)
        else:
            report.still_pending.append(result)
    return report


def _collect(ctx: VaultContext, gen: GenerationRecord, report: RecoverReport) -> None:
    """Poll a dead process's async generation once; completed images become pending rows,
    which the loop over pending images then downloads."""
    from ideovault.api.errors import ApiError
    from ideovault.vault.asynchronous import GenerationFailed, poll_once, resume

    try:
        answered = poll_once(ctx, resume(ctx, gen, None))
    except GenerationFailed:
        report.async_failed.append(ctx.catalog.generations.get(gen.id))
        return
    except ApiError as exc:  # unknown to the API (marked), or the API unreachable (kept)
        current = ctx.catalog.generations.get(gen.id)
        if current.status == GenerationStatus.REQUESTED:
            report.async_running.append(gen.id)
        else:
            report.unanswered.append(current)
        log.warning("could not collect async generation %s: %s", gen.id, exc)
        return
    if answered is None:
        report.async_running.append(gen.id)
