"""The use cases: the one public face of ideovault (see ``core.Vault``)."""

from ideovault.vault.core import Vault
from ideovault.vault.recover import RecoverReport

__all__ = ["RecoverReport", "Vault"]
