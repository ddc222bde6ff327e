"""A vault on a server: the CLI's commands over the REST API of ``ideovault serve``.

With ``IDEOVAULT_URL`` (and ``IDEOVAULT_KEY``, a personal key) the CLI opens this instead of a
local vault, so a team member needs neither the Ideogram key nor the database or bucket
credentials: the server holds them and checks the key's role on every request. It answers the
same record types as :class:`~ideovault.vault.core.Vault`, so the commands print the same
JSON; ``local_path`` is always null (the server's files are not the client's). Commands that
do not work remotely yet say so and exit 2 instead of touching a local vault by mistake.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, NoReturn

import httpx

from ideovault.catalog.records import ImageRecord
from ideovault.catalog.search import SearchPage
from ideovault.errors import AmbiguousId, IdeovaultError, NotFound, UserError

HREFS = ("original_href", "thumbnail_href")


def _record(data: dict[str, Any]) -> ImageRecord:
    return ImageRecord.model_validate({k: v for k, v in data.items() if k not in HREFS})


class RemoteVault:
    """The subset of the vault's use cases that the server's REST API offers."""

    def __init__(self, url: str, key: str | None, *, timeout: float = 300) -> None:
        if not url.startswith(("http://", "https://")):
            raise UserError(f"IDEOVAULT_URL must start with http:// or https://, not {url!r}")
        headers = {"X-Ideovault-Request": "1", "User-Agent": "ideovault-cli"}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        self.url = url.rstrip("/")
        self._http = httpx.Client(base_url=self.url, headers=headers, timeout=timeout)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> RemoteVault:
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __getattr__(self, name: str) -> NoReturn:
        raise UserError(
            f"this command ({name}) does not work against a server yet: run it on the "
            "server's machine, or unset IDEOVAULT_URL to use a local vault"
        )

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise IdeovaultError(f"cannot reach the vault server at {self.url}: {exc}") from None
        if response.is_success:
            return response.json()
        try:
            detail = str(response.json().get("detail"))
        except (ValueError, AttributeError):
            detail = response.text[:200]
        status = response.status_code
        if status == 404:
            raise NotFound(detail)
        if status == 409:
            raise AmbiguousId(detail)
        if status in (400, 401, 403, 413, 422, 429):
            raise UserError(f"the vault server refused: {detail}")
        raise IdeovaultError(f"the vault server failed ({status}): {detail}")

    def get(self, id_or_prefix: str) -> ImageRecord:
        return _record(self._call("GET", f"/api/images/{_path_id(id_or_prefix)}"))

    def search(self, query: str = "", *, limit: int = 50, cursor: str | None = None) -> SearchPage:
        params: dict[str, Any] = {"q": query, "limit": limit}
        if cursor:
            params["cursor"] = cursor
        page = self._call("GET", "/api/images", params=params)
        return SearchPage([_record(r) for r in page["results"]], page.get("next"))

    def _each(self, ids: list[str], action: str, body: dict[str, Any]) -> list[ImageRecord]:
        return [
            _record(self._call("POST", f"/api/images/{_path_id(i)}/{action}", json=body))
            for i in ids
        ]

    def tag(self, ids: list[str], add: list[str], remove: list[str]) -> list[ImageRecord]:
        return self._each(ids, "tags", {"add": list(add), "remove": list(remove)})

    def star(self, ids: list[str], starred: bool = True) -> list[ImageRecord]:
        return self._each(ids, "star", {"starred": starred})

    def trash(self, ids: list[str]) -> list[ImageRecord]:
        return self._each(ids, "trash", {})

    def restore(self, ids: list[str]) -> list[ImageRecord]:
        return self._each(ids, "restore", {})

    def report(self, *, exact: bool = False) -> dict[str, Any]:
        if exact:  # a recount of every row is an operator's check, made on the server itself
            raise UserError("report --exact runs on the server's machine, not through a server")
        return dict(self._call("GET", "/api/report"))


def _path_id(text: str) -> str:
    """Ids go into the URL path: only hex and hyphens (the server checks again)."""
    if not text or any(c not in "0123456789abcdefABCDEF-" for c in text):
        raise UserError(f"not an image id: {text!r}")
    return text
