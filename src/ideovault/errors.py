"""The error hierarchy every part raises, so the CLI and web can map failures to exit codes.

A :class:`UserError` is bad input or bad usage (exit 2); any other :class:`IdeovaultError` is an
operation that failed (exit 1). Every message says what failed and what to do next, and never
contains the API key: messages are built from our own words and the server's ``error``/``detail``
text, never from request headers.
"""

import contextlib
from collections.abc import Iterator


class IdeovaultError(Exception):
    """An operation failed; the message is meant for a person."""

    exit_code = 1


class UserError(IdeovaultError):
    """The input or the usage is wrong; nothing was sent or changed."""

    exit_code = 2


class NotFound(UserError):
    """No record matches the given id or prefix."""


class AmbiguousId(UserError):
    """An id prefix matches more than one record."""


class MissingExtra(UserError):
    """A feature needs an optional extra that is not installed (``pip install 'ideovault[s3]'``).

    A :class:`UserError` (exit 2): the setup, not the operation, is what needs changing. Catch
    it to fall back, e.g. to a local store, or read :attr:`extra` to tell the user what to add.
    """

    def __init__(self, extra: str, feature: str, module: str | None = None) -> None:
        self.extra = extra
        self.feature = feature
        self.module = module
        missing = f" (the module {module!r} is missing)" if module else ""
        super().__init__(
            f"{feature} needs the optional extra {extra!r}{missing}: "
            f"pip install 'ideovault[{extra}]'"
        )


@contextlib.contextmanager
def needs_extra(extra: str, feature: str) -> Iterator[None]:
    """Turn an import that fails inside the block into :class:`MissingExtra` for ``extra``."""
    try:
        yield
    except ImportError as exc:
        raise MissingExtra(extra, feature, exc.name) from None
