"""Sending requests (a stand-in package: only :class:`SendOptions` so far)."""

from __future__ import annotations

from ideovault.vault.sending.options import SendOptions

__all__ = ["SendOptions"]
