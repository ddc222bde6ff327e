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

from sqlalchemy import Connection, text

if TYPE_CHECKING:
    from ideovault.vault.context import VaultContext

log = logging.getLogger("ideovault.embedder")

EMBED_LOCK = 0x1DE0_E3BD  # an arbitrary advisory-lock key: the embedding queue's holder


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

        with self.ctx.catalog.engine.connect() as holder:
            while not self.stop.is_set():
                try:
                    done = semantic.embed_queued(self.ctx) if self._turn(holder) else None
                except Exception as exc:  # a database hiccup, or a race with another embedder
                    self.failed = f"{type(exc).__name__}: {exc}"
                    log.warning("embedding in the background: %s (trying again)", self.failed)
                    holder.rollback()
                    done = None
                self.embedded += done or 0
                if done:
                    continue
                if self._drain.is_set():  # the queue is empty, or another worker has it
                    return
                self.stop.wait(self.poll)

    def _turn(self, holder: Connection) -> bool:
        """Whether this process may embed now: always on SQLite (one process works a SQLite
        vault's batches); on PostgreSQL, while it holds the queue's advisory lock, kept on
        ``holder`` for the thread's life once taken."""
        if holder.dialect.name != "postgresql":
            return True
        taken = bool(holder.execute(text(f"SELECT pg_try_advisory_lock({EMBED_LOCK})")).scalar())
        holder.commit()  # a session lock: it outlives the transaction that took it
        return taken
