"""The one value that says how to send a request, instead of five loose keywords that every
entry point (generate, each image operation, async generation, reproduce) had to pass along."""

from __future__ import annotations

from dataclasses import dataclass

from ideovault.vault.events import EventSink


@dataclass(frozen=True)
class SendOptions:
    """How to send: the tags the images get, the dedupe policy (``seeded``, ``always``,
    ``never``; None reads ideovault.toml), ``force`` (always call, never answer from the vault),
    a per-request budget in USD, and who hears the progress events."""

    tags: tuple[str, ...] = ()
    dedupe: str | None = None
    force: bool = False
    max_usd: float | None = None
    on_event: EventSink | None = None

    def __post_init__(self) -> None:
        # A bare string would be taken letter by letter as tags: refuse it, say why.
        if isinstance(self.tags, str):
            raise TypeError("SendOptions.tags is a tuple of tags, not one string")
        object.__setattr__(self, "tags", tuple(self.tags))


DEFAULT = SendOptions()
