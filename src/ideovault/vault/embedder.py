"""The embedding queue worked in the background of ``ideovault worker``.

Images are stored by many processes (CLI runs, the gallery, batch workers); the queue of prompts
to embed is the catalog itself (every live image without an embedding, catalog/embeddings.py).
A worker is the long-lived process that can afford the model (PyTorch: seconds to load,
hundreds of MB), so beside its batch items it embeds whatever is queued, in batches, so that a
search never has to. Several workers sharing a PostgreSQL catalog take turns through an
advisory lock held by whichever is embedding — the others generate and check again later —
so no prompt is embedded twice at once.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ideovault.vault.context import VaultContext

log = logging.getLogger("ideovault.embedder")


class Embedder(threading.Thread):
    """Embeds queued prompts until ``stop`` is set; after :meth:`drain`, until the queue is
    empty. ``embedded`` counts the prompts this thread embedded."""

    def __init__(
        self, ctx: VaultContext, stop: threading.Event, *, poll_seconds: float = 2.0
    ) -> None:
        super().__init__(name="embedder", daemon=True)
        self.ctx = ctx
        self.stop = stop
        self.poll = poll_seconds
        self.embedded = 0
        self.failed: str | None = None
        self._drain = threading.Event()

    def drain(self) -> None:
        """Finish the queue, then end (``ideovault worker --until-idle``)."""
        self._drain.set()

    def run(self) -> None:
        from ideovault.vault import semantic

        with self.ctx.catalog.embeddings.queue_turns() as my_turn:
            while not self.stop.is_set():
                try:
                    done = semantic.embed_queued(self.ctx) if my_turn() else None
                except Exception as exc:  # a database hiccup, or a race with another embedder
                    self.failed = f"{type(exc).__name__}: {exc}"
                    log.warning("embedding in the background: %s (trying again)", self.failed)
                    my_turn.reset()
                    done = None
                self.embedded += done or 0
                if done:
                    continue
                if self._drain.is_set():  # the queue is empty, or another worker has it
                    return
                self.stop.wait(self.poll)
