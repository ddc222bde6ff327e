"""The use cases: the one public face of ideovault (see ``core.Vault``).

Loaded on first use so that the CLI's start-up (and ``--help``) does not pay for SQLAlchemy,
httpx and Pillow before a command actually needs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ideovault.vault.core import Vault
    from ideovault.vault.recover import RecoverReport

__all__ = ["RecoverReport", "Vault"]


def __getattr__(name: str) -> Any:
    if name == "Vault":
        from ideovault.vault.core import Vault

        return Vault
    if name == "RecoverReport":
        from ideovault.vault.recover import RecoverReport

        return RecoverReport
    raise AttributeError(name)
