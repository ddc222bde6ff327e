"""What can go wrong talking to Ideogram, each with a message a person can act on.

``billed`` says whether the failed call may have cost money: "no" when the API refused before
running it (4xx, 5xx answers, nothing sent), "unknown" when the request was sent and no answer
came back (the API has no idempotency key, so we cannot ask). No message ever contains the key.
"""

from __future__ import annotations

from typing import Literal

from ideovault.errors import IdeovaultError, UserError

Billed = Literal["no", "unknown"]


class ApiError(IdeovaultError):
    status: int | None = None
    billed: Billed = "no"

    def __init__(self, message: str, *, status: int | None = None, billed: Billed = "no") -> None:
        super().__init__(message)
        self.status = status
        self.billed = billed


class MissingKey(UserError):
    def __init__(self) -> None:
        super().__init__(
            "no Ideogram API key: set IDEOGRAM_API_KEY in the environment "
            "(or IDEOGRAM_BASE_URL to a fake server such as `ideovault fake-api`)"
        )


class KeyRejected(ApiError):
    """401 (403 on the routes that use it for auth): the key is wrong, revoked or lacks rights."""


class RequestRejected(ApiError):
    """400: the API says the request is invalid. Fix the input; retrying unchanged won't help."""

    exit_code = 2


class SafetyRejected(RequestRejected):
    """422: the prompt or input image failed Ideogram's safety check (not billed)."""


class PaymentRequired(ApiError):
    """402: not enough balance or a plan limit."""


class RateLimited(ApiError):
    """429 after every retry was used."""


class ServerError(ApiError):
    """5xx after every retry was used."""


class ConnectFailed(ApiError):
    """Could not reach the API at all (nothing was sent)."""


class OutcomeUnknown(ApiError):
    """The request was sent but no answer arrived; it may have run and been charged."""

    def __init__(self, message: str) -> None:
        super().__init__(message, billed="unknown")


class BadResponse(ApiError):
    """The API answered with something that is not the documented shape."""


class LinkExpired(ApiError):
    """An image link answered 403/404/410: it expired (or was never valid)."""


class DownloadFailed(ApiError):
    """An image download failed: truncated body, dropped connection, unexpected status."""


class GenerationNotFound(ApiError):
    """404 on a poll: the API does not know this async generation id (or no longer does)."""
