"""Sending a request and keeping its answer: one pipeline for every route and both ways of
getting an answer (one POST, or 4.0's submit + poll), and the one options value callers pass.

Only :class:`SendOptions` loads here; the pipeline (httpx, Pillow) loads when something is sent.
"""

from ideovault.vault.sending.options import SendOptions

__all__ = ["SendOptions"]
