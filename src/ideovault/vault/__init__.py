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
    from ideovault.catalog.shares import Share
    from ideovault.vault.core import Vault
    from ideovault.vault.inputs import resolve_client_uploads
    from ideovault.vault.lineage import Lineage, Node
    from ideovault.vault.paging import ImagePage
    from ideovault.vault.people_service import People
    from ideovault.vault.recover import RecoverReport
    from ideovault.vault.reproduce import Reproduction
    from ideovault.vault.shares import NotYours
    from ideovault.vault.shares_service import Shares
    from ideovault.vault.upkeep import Upkeep

__all__ = [
    "BULK_LIMIT", "GenerationRecord", "ImagePage", "ImageRecord", "ImageStatus", "Lineage",
    "Node", "NotYours", "People", "RecoverReport", "Reproduction", "SearchPage", "Share",
    "Shares", "Upkeep", "Vault", "resolve_client_uploads",
]  # fmt: skip


def __getattr__(name: str) -> Any:
    if name == "Vault":
        from ideovault.vault.core import Vault

        return Vault
    if name == "Upkeep":
        from ideovault.vault.upkeep import Upkeep

        return Upkeep
    if name == "People":
        from ideovault.vault.people_service import People

        return People
    if name == "Shares":
        from ideovault.vault.shares_service import Shares

        return Shares
    if name == "Share":  # a shared link's row
        from ideovault.catalog.shares import Share

        return Share
    if name == "NotYours":  # revoking another person's link
        from ideovault.vault.shares import NotYours

        return NotYours
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
        from ideovault.vault.selection import BULK_LIMIT

        return BULK_LIMIT
    if name == "resolve_client_uploads":
        from ideovault.vault.inputs import resolve_client_uploads

        return resolve_client_uploads
    if name == "ImagePage":
        from ideovault.vault.paging import ImagePage

        return ImagePage
    if name == "SearchPage":
        from ideovault.catalog.search import SearchPage

        return SearchPage
    raise AttributeError(name)
