"""Finish what a crash left behind, and say what cannot be finished.

* pending images whose generation's process is gone: download them while the link lives;
  a dead link marks them ``expired``;
* generations sent but never answered, whose process is gone: marked ``unknown`` and reported,
  because the API may have run (and charged) them — there is no idempotency key to ask with.

Work owned by a live process (a ``generate`` still running) is left alone and reported as such.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ideovault.catalog.records import GenerationRecord, GenerationStatus, ImageRecord, ImageStatus
from ideovault.vault.owner import owner_alive

if TYPE_CHECKING:
    from ideovault.vault.core import Vault

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

    @property
    def ok(self) -> bool:
        return not self.still_pending

    def to_json(self) -> dict[str, Any]:
        return {
            "stored": [r.to_json() for r in self.stored],
            "expired": [r.to_json() for r in self.expired],
            "still_pending": [r.to_json() for r in self.still_pending],
            "unanswered": [g.to_json() for g in self.unanswered],
            "in_flight": self.in_flight,
        }


def recover(vault: Vault) -> RecoverReport:
    report = RecoverReport()
    catalog = vault.catalog
    for gen in catalog.unanswered_generations():
        if owner_alive(gen.owner):
            report.in_flight.append(gen.id)
            continue
        catalog.fail_generation(gen.id, status=GenerationStatus.UNKNOWN, error=UNANSWERED)
        report.unanswered.append(catalog.get_generation(gen.id))
    for image, gen in catalog.pending_images():
        # A live process is still downloading it, unless it already gave up (error recorded).
        if image.error is None and owner_alive(gen.owner):
            if gen.id not in report.in_flight:
                report.in_flight.append(gen.id)
            continue
        result = vault.store_image(image, gen)
        if result.status == ImageStatus.STORED:
            report.stored.append(vault._present(result))
        elif result.status == ImageStatus.EXPIRED:
            report.expired.append(result)
        else:
            report.still_pending.append(result)
    return report
