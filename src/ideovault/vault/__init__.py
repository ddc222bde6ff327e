"""The use cases: the one public face of ideovault (see ``core.Vault``).

Loaded on first use so that the CLI's start-up (and ``--help``) does not pay for SQLAlchemy,
httpx and Pillow before a command actually needs them. The record types travel with the vault,
so that callers (the web layer) need not reach into the catalog package for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ideovault.catalog.records import GenerationRecord, ImageRecord, ImageStatus
    from ideovault.catalog.search import SearchPage
    from ideovault.vault.core import Vault
    from ideovault.vault.inputs import resolve_client_uploads
    from ideovault.vault.lineage import Lineage, Node
    from ideovault.vault.recover import RecoverReport
    from ideovault.vault.reproduce import Reproduction
    from ideovault.vault.sending import SendOptions

__all__ = [
    "BULK_LIMIT", "GenerationRecord", "ImageRecord", "ImageStatus", "Lineage", "Node",
    "RecoverReport", "Reproduction", "SearchPage", "SendOptions", "Vault",
    "resolve_client_uploads",
]  # fmt: skip


def __getattr__(name: str) -> Any:
    if name == "Vault":
        from ideovault.vault.core import Vault

        return Vault
    if name == "RecoverReport":
        from ideovault.vault.recover import RecoverReport

        return RecoverReport
    if name in ("GenerationRecord", "ImageRecord", "ImageStatus"):
        from ideovault.catalog import records

        return getattr(records, name)
    if name in ("Lineage", "Node"):
        from ideovault.vault import lineage

        return getattr(lineage, name)
    if name == "Reproduction":
        from ideovault.vault.reproduce import Reproduction

        return Reproduction
    if name == "BULK_LIMIT":  # the most images one bulk change or zip of ids may name
        from ideovault.vault.curation import BULK_LIMIT

        return BULK_LIMIT
    if name == "resolve_client_uploads":
        from ideovault.vault.inputs import resolve_client_uploads

        return resolve_client_uploads
    if name == "SendOptions":  # how to send: tags, dedupe, force, budget, progress events
        from ideovault.vault.sending import SendOptions

        return SendOptions
    if name == "SearchPage":
        from ideovault.catalog.search import SearchPage

        return SearchPage
    raise AttributeError(name)
