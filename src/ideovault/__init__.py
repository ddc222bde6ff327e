"""ideovault: keep every image you generate with the Ideogram API.

The one public face is :class:`ideovault.vault.Vault`; everything else is a part it uses.
"""

from ideovault.errors import IdeovaultError, NotFound, UserError

__version__ = "0.1.0"

__all__ = ["IdeovaultError", "NotFound", "UserError", "Vault", "__version__"]


def __getattr__(name: str) -> object:
    # Imported lazily so that `import ideovault` stays cheap for the CLI's fast paths.
    if name == "Vault":
        from ideovault.vault import Vault

        return Vault
    raise AttributeError(name)
