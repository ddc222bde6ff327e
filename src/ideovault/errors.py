"""The error hierarchy every part raises, so the CLI and web can map failures to exit codes.

A :class:`UserError` is bad input or bad usage (exit 2); any other :class:`IdeovaultError` is an
operation that failed (exit 1). Every message says what failed and what to do next, and never
contains the API key: messages are built from our own words and the server's ``error``/``detail``
text, never from request headers.
"""


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
