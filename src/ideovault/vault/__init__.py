"""The vault: the one public face of ideovault (``core.Vault``) and the types it answers.

Loaded on first use so that the CLI's start-up (and ``--help``) does not pay for SQLAlchemy,
httpx and Pillow before a command actually needs them. The record types travel with the vault,
so that callers (the web layer) need not reach into the catalog package for them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ideovault.catalog.records import GenerationRecord, ImageRecord, ImageStatus
    from ideovault.catalog.search import SearchPage
    from ideovault.catalog.shares import Share
    from ideovault.vault.context import VaultContext
    from ideovault.vault.core import Vault
    from ideovault.vault.inputs import resolve_client_uploads
    from ideovault.vault.lineage import Lineage, Node
    from ideovault.vault.paging import ImagePage
    from ideovault.vault.people_service import People
    from ideovault.vault.recover import RecoverReport
    from ideovault.vault.reproduce import Reproduction
    from ideovault.vault.selection import BULK_LIMIT
    from ideovault.vault.sending import SendOptions
    from ideovault.vault.shares import NotYours
    from ideovault.vault.shares_service import Shares
    from ideovault.vault.upkeep import Upkeep

# Each public name and the module that defines it, imported when the name is first read.
_HOMES = {
    "Vault": "ideovault.vault.core",
    "VaultContext": "ideovault.vault.context",
    "SendOptions": "ideovault.vault.sending",  # how to send: tags, dedupe, force, budget, events
    "ImagePage": "ideovault.vault.paging",  # a page of images that walks on to the next ones
    "GenerationRecord": "ideovault.catalog.records",
    "ImageRecord": "ideovault.catalog.records",
    "ImageStatus": "ideovault.catalog.records",
    "SearchPage": "ideovault.catalog.search",
    "Share": "ideovault.catalog.shares",  # a shared link's row
    "NotYours": "ideovault.vault.shares",  # revoking another person's link
    "Lineage": "ideovault.vault.lineage",
    "Node": "ideovault.vault.lineage",
    "RecoverReport": "ideovault.vault.recover",
    "Reproduction": "ideovault.vault.reproduce",
    "BULK_LIMIT": "ideovault.vault.selection",  # the most images one bulk change or zip names
    "resolve_client_uploads": "ideovault.vault.inputs",
    "People": "ideovault.vault.people_service",
    "Shares": "ideovault.vault.shares_service",
    "Upkeep": "ideovault.vault.upkeep",
}

__all__ = [
    "BULK_LIMIT", "GenerationRecord", "ImagePage", "ImageRecord", "ImageStatus", "Lineage", "Node",
    "NotYours", "People", "RecoverReport", "Reproduction", "SearchPage", "SendOptions", "Share",
    "Shares", "Upkeep", "Vault", "VaultContext", "resolve_client_uploads",
]  # fmt: skip


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(name)
    return getattr(importlib.import_module(home), name)
