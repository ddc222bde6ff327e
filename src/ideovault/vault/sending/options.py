"""How a request is sent, as one value (a stand-in: the sending helper's version replaces this
at integration; the remote vault uses only these fields)."""

from __future__ import annotations

from dataclasses import dataclass

from ideovault.vault.events import EventSink


@dataclass(frozen=True)
class SendOptions:
    """Tags for the new images, the dedupe policy (``seeded``/``always``/``never``), ``force``
    (always call the API), a spending cap for this request, and where progress goes."""

    tags: tuple[str, ...] = ()
    dedupe: str | None = None
    force: bool = False
    max_usd: float | None = None
    on_event: EventSink | None = None
