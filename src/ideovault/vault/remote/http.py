"""The HTTP side of :class:`~ideovault.vault.remote.RemoteVault`: one client with the personal
key, and the server's answers turned back into the vault's own errors and records; and the
base of its namespaces, which refuse what only the server's machine may do.

Status codes map to the errors the local vault raises for the same mistake (404 → NotFound,
409 → AmbiguousId, 4xx → UserError), so the CLI exits with the same codes (2 for bad input,
1 for a failure further along). The key goes only in the ``Authorization`` header; no message
built here ever contains it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import httpx

from ideovault.catalog.records import ImageRecord
from ideovault.errors import AmbiguousId, IdeovaultError, NotFound, UserError

HREFS = ("original_href", "thumbnail_href")
CHUNK = 256 * 1024


def record(data: dict[str, Any]) -> ImageRecord:
    """An image record from the server's JSON (its links to bytes dropped)."""
    return ImageRecord.model_validate({k: v for k, v in data.items() if k not in HREFS})


def path_id(text: str) -> str:
    """Ids go into the URL path: only hex and hyphens (the server checks again)."""
    if not text or any(c not in "0123456789abcdefABCDEF-" for c in text):
        raise UserError(f"not an image id: {text!r}")
    return text


def refusal(name: str) -> UserError:
    """What a use case that needs the local vault says through a server (the CLI exits 2)."""
    return UserError(
        f"this command does not work against a server (it needs the local vault's {name}): "
        "run it on the server's machine, or unset IDEOVAULT_URL (and --url) to use a local vault"
    )


class Connection:
    """The connection to one server: requests, streams, and the errors they become."""

    def __init__(self, url: str, key: str | None, *, timeout: float = 300) -> None:
        if not url.startswith(("http://", "https://")):
            raise UserError(f"IDEOVAULT_URL must start with http:// or https://, not {url!r}")
        headers = {"X-Ideovault-Request": "1", "User-Agent": "ideovault-cli"}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        self.base_url = url.rstrip("/")
        self._http = httpx.Client(base_url=self.base_url, headers=headers, timeout=timeout)

    def close(self) -> None:
        self._http.close()

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """The server's answer as it is, whatever its status (for answers with a body to read
        on failure, such as a batch file's row errors)."""
        try:
            return self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise self.unreachable(exc) from None

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """The JSON of a successful answer; a failed one raised as the vault's error."""
        response = self.request(method, path, **kwargs)
        if not response.is_success:
            raise self.refused(response.status_code, _detail(response))
        return response.json()

    @contextmanager
    def stream(self, method: str, path: str, **kwargs: Any) -> Iterator[Iterator[bytes]]:
        """The body of an answer, chunk by chunk (an original, a zip): never held whole."""
        try:
            with self._http.stream(method, path, **kwargs) as response:
                if not response.is_success:
                    response.read()
                    raise self.refused(response.status_code, _detail(response))
                yield response.iter_bytes(CHUNK)
        except httpx.HTTPError as exc:
            raise self.unreachable(exc) from None

    def unreachable(self, exc: httpx.HTTPError) -> IdeovaultError:
        return IdeovaultError(f"cannot reach the vault server at {self.base_url}: {exc}")

    @staticmethod
    def refused(status: int, detail: str) -> IdeovaultError:
        if status == 404:
            return NotFound(detail)
        if status == 409:
            return AmbiguousId(detail)
        if status == 501:
            return UserError(f"the vault server lacks this feature: {detail}")
        if status in (400, 401, 403, 413, 422, 429):
            return UserError(f"the vault server refused: {detail}")
        return IdeovaultError(f"the vault server failed ({status}): {detail}")


class Namespace:
    """One namespace of the remote vault (``images``, ``batches`` …) on the shared connection.

    A use case it lacks is one that needs the local vault (its files, database or Ideogram
    key): asking for it is a UserError that says so, never an AttributeError deep in a command.
    """

    _name = "vault"

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def __getattr__(self, name: str) -> NoReturn:
        if name.startswith("__"):  # copy, pickle and friends probe for these: not a command
            raise AttributeError(name)
        raise refusal(f"{self._name}.{name}")


def _detail(response: httpx.Response) -> str:
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        return response.text[:200]
    if isinstance(detail, list):  # a request of the wrong shape: name the fields
        return "; ".join(
            f"{'.'.join(str(p) for p in d.get('loc', []))}: {d.get('msg')}" for d in detail
        )
    return str(detail)
