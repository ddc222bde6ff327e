"""ideovault: keep every image you generate with the Ideogram API.

The one public face is :class:`ideovault.vault.Vault`; everything else is a part it uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ideovault.errors import IdeovaultError, NotFound, UserError

if TYPE_CHECKING:
    from ideovault.vault import Vault
    from ideovault.vault.remote import RemoteVault
    from ideovault.vault.sending import SendOptions

from ideovault.version import __version__

__all__ = [
    "IdeovaultError", "NotFound", "RemoteVault", "SendOptions", "UserError", "Vault",
    "__version__", "connect",
]  # fmt: skip


def __getattr__(name: str) -> object:
    # Imported lazily so that `import ideovault` stays cheap for the CLI's fast paths.
    if name == "Vault":
        from ideovault.vault import Vault

        return Vault
    if name == "SendOptions":
        from ideovault.vault.sending import SendOptions

        return SendOptions
    if name == "RemoteVault":
        from ideovault.vault.remote import RemoteVault

        return RemoteVault
    raise AttributeError(name)


def connect(url: str | None = None, key: str | None = None) -> Vault | RemoteVault:
    """The vault a team member works on: the server at ``url`` (else ``$IDEOVAULT_URL``) with
    a personal ``key`` (else ``$IDEOVAULT_KEY``), as a :class:`RemoteVault` with the
    namespaces of :class:`Vault` (``images``, ``generations`` …) and those of their methods
    that work through a server; without a URL, the local ``Vault.open()``.
    """
    import os

    url = url or os.environ.get("IDEOVAULT_URL")
    if url:
        from ideovault.vault.remote import RemoteVault

        return RemoteVault(url, key or os.environ.get("IDEOVAULT_KEY"))
    from ideovault.vault import Vault

    return Vault.open()
