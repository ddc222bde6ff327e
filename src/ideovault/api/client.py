"""The Ideogram HTTP client: one method per endpoint, bounded retries, clear errors.

Retry rules (docs/ideogram-api.md §7):

* 429 — wait ``Retry-After`` when given, else exponential backoff with full jitter; rejected
  requests do not run and are not billed, so retrying is safe. The process's limiter also
  halves its window of places (``limits.py``) and grows it back as calls are answered.
* 500/502/503/504 — the server answered with an error, so the call did not produce images and
  is not billed: retried with backoff.
* Connection failures before the request was sent (connect error/timeout, pool timeout): safe.
* Anything after the request may have reached the server without an answer (read timeout,
  dropped connection): NOT retried. Ideogram has no idempotency key, so a retry could run — and
  charge — the same generation twice. We raise :class:`OutcomeUnknown` and let the caller
  record it.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import httpx

from ideovault.api import enums, errors
from ideovault.api.limits import RateLimiter, shared_limiter
from ideovault.api.params import GenerateParams
from ideovault.api.responses import (
    DescribeResponse,
    GenerateResponse,
    JsonPromptResponse,
    LayerizeResponse,
    MagicPromptResponse,
    PollResult,
)
from ideovault.api.wire import encode
from ideovault.version import __version__

log = logging.getLogger("ideovault.api")

RETRY_STATUSES = {429, 500, 502, 503, 504}
SAFE_TO_RETRY = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Raised while the request is being built, before anything is written to a socket.
NEVER_SENT = (httpx.UnsupportedProtocol, httpx.InvalidURL, httpx.LocalProtocolError,
              UnicodeEncodeError)  # fmt: skip


def error_detail(response: httpx.Response) -> str:
    """The API's own words: ``error``, ``detail``, ``message`` or ``title``, else raw text."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        for key in ("error", "detail", "message", "title"):
            value = body.get(key)
            if isinstance(value, str) and value:
                text = value
                break
        else:
            text = response.text
        reason = body.get("reject_reason")
        if isinstance(reason, str):
            text = f"{text} ({reason})"
    else:
        text = response.text
    text = " ".join(text.split())
    return text[:300] + ("…" if len(text) > 300 else "") or f"HTTP {response.status_code}"


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


@dataclass
class Download:
    """A streaming image download; ``iter_bytes`` checks the length promised by the server."""

    response: httpx.Response

    @property
    def content_type(self) -> str | None:
        value: str | None = self.response.headers.get("Content-Type")
        return value

    @property
    def content_length(self) -> int | None:
        value = self.response.headers.get("Content-Length")
        return int(value) if value and value.isdigit() else None

    def iter_bytes(self, chunk_size: int = 64 * 1024) -> Iterator[bytes]:
        received = 0
        try:
            for chunk in self.response.iter_bytes(chunk_size):
                received += len(chunk)
                yield chunk
        except httpx.HTTPError as exc:
            raise errors.DownloadFailed(
                f"the download broke off after {received} bytes ({type(exc).__name__})"
            ) from None
        expected = self.content_length
        if expected is not None and received != expected:
            raise errors.DownloadFailed(f"truncated: got {received} of {expected} bytes")


def _input_size(params: GenerateParams) -> str:
    return params.image.size if params.image is not None else "0x0"


class IdeogramClient:
    """Talks to Ideogram (or anything at ``base_url`` that speaks its API)."""

    def __init__(
        self,
        api_key: str | None,
        base_url: str,
        *,
        timeout: float = 180.0,
        max_retries: int = 5,
        backoff_base: float = 1.0,
        backoff_cap: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
        limiter: RateLimiter | None = None,
    ) -> None:
        self._api_key = api_key
        # One limiter per API root and key for the whole process, so every thread's client
        # counts against the same places (the API's limit is per organisation).
        self.limiter = limiter or shared_limiter(base_url, api_key)
        self.base_url = base_url.rstrip("/")
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self._sleep = sleep
        self._http = httpx.Client(
            base_url=self.base_url,
            timeout=httpx.Timeout(timeout, connect=10.0),
            headers={"User-Agent": f"ideovault/{__version__}", "Accept": "application/json"},
            transport=transport,
            follow_redirects=True,
        )

    def __repr__(self) -> str:
        return f"IdeogramClient(base_url={self.base_url!r})"  # never the key

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> IdeogramClient:
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- endpoints ---------------------------------------------------------------------------

    def generate(self, params: GenerateParams) -> GenerateResponse:
        """Any route that answers with images: generate, remix, edit, upscale, reframe,
        replace-background, generate-transparent, remove-background, layerize-text and
        instruct, on the legacy, 3.0 or 4.0 routes (``params`` chooses).

        Two routes answer in other shapes (§2.2) and are read into the image list here, so the
        vault records them like every other output: remove-background's one item has no
        prompt, seed or resolution (its size is the input's), and layerize-text's base image
        becomes the one item (its text blocks stay in ``raw``)."""
        if params.operation == "describe":
            raise ValueError("describe answers with text: call describe()")
        if params.operation == "layerize-text":
            return self.layerize_text(params).as_images(params.prompt, _input_size(params))
        body = self._send(params)
        if params.operation == "remove-background":
            fill = {"prompt": "", "seed": None, "resolution": _input_size(params)}
            return GenerateResponse.parse(body, fill)
        return GenerateResponse.parse(body)

    def layerize_text(self, params: GenerateParams) -> LayerizeResponse:
        """``POST /v1/ideogram-v3/layerize-text``: the image without its text, and the text
        as blocks (position, font, colour)."""
        if params.operation != "layerize-text":
            raise ValueError("layerize_text() takes a layerize-text request")
        return LayerizeResponse.parse(self._send(params))

    def describe(self, params: GenerateParams) -> DescribeResponse:
        """``POST /describe``: descriptions of the input image."""
        if params.family == "v4":
            raise ValueError("4.0's describe answers with a JSON prompt: call describe_json()")
        return DescribeResponse.parse(self._send(params))

    def describe_json(self, params: GenerateParams) -> JsonPromptResponse:
        """``POST /v1/ideogram-v4/describe``: the input image as a 4.0 JSON prompt."""
        if params.operation != "describe" or params.family != "v4":
            raise ValueError("describe_json() takes a 4.0 describe request")
        return JsonPromptResponse.parse(self._send(params))

    def magic_prompt(
        self, text_prompt: str, aspect_ratio: str | None = None
    ) -> MagicPromptResponse:
        """``POST /v1/ideogram-v4/magic-prompt`` (JSON only): a text prompt as a JSON prompt."""
        body: dict[str, Any] = {"text_prompt": text_prompt}
        if aspect_ratio is not None:
            body["aspect_ratio"] = aspect_ratio
        return MagicPromptResponse.parse(self._post(enums.V4_MAGIC_PROMPT_ENDPOINT, 1, json=body))

    def submit_async(self, params: GenerateParams, webhook_url: str) -> str:
        """``POST /v1/ideogram-v4/async/generate``: start a 4.0 generation; its id comes back.

        The caller must persist the id before anything else (§8): it is the only handle on a
        generation that runs, and is charged, whether or not anyone collects it.
        """
        if params.operation != "generate" or params.family != "v4":
            raise ValueError("only 4.0 generate has an async route")
        body = self._send(params, enums.V4_ASYNC_ENDPOINT, query={"webhook_url": webhook_url})
        gid = body.get("generation_id") if isinstance(body, dict) else None
        if not isinstance(gid, str) or not gid:
            raise errors.BadResponse("the async answer has no generation_id")
        return gid

    def poll(self, generation_id: str) -> PollResult:
        """``GET /v1/generations/{id}``: where an async generation stands. Safe to repeat."""
        path = enums.GENERATIONS_PATH + generation_id
        return PollResult.parse(self._call("GET", path, 0), generation_id)

    def jwks(self) -> dict[str, Any]:
        """The webhook signing keys (``GET /v1/.well-known/jwks.json``), public: sent keyless."""
        body = self._call("GET", enums.JWKS_PATH, 0, keyless=True)
        if not isinstance(body, dict) or not isinstance(body.get("keys"), list):
            raise errors.BadResponse("the JWKS answer has no list of keys")
        return body

    def _send(
        self, params: GenerateParams, path: str | None = None, query: dict[str, str] | None = None
    ) -> Any:
        wire = encode(params, path)
        kwargs: dict[str, Any] = {"params": query} if query else {}
        # The in-flight limit counts images (§7); describe holds one place.
        units = 1 if params.operation == "describe" else params.num_images
        if wire.json is not None:
            return self._post(wire.path, units, json=wire.json, **kwargs)
        return self._post(wire.path, units, files=wire.parts, **kwargs)

    @contextmanager
    def download(self, url: str) -> Iterator[Download]:
        """Stream one image. 403/404/410 mean the link expired; no retries here."""
        try:
            with self._http.stream("GET", url, headers={"Accept": "image/*"}) as response:
                if response.status_code in (403, 404, 410):
                    raise errors.LinkExpired(
                        f"the image link answered HTTP {response.status_code}: it has expired",
                        status=response.status_code,
                    )
                if response.status_code != 200:
                    raise errors.DownloadFailed(
                        f"the image download answered HTTP {response.status_code}",
                        status=response.status_code,
                    )
                yield Download(response)
        except httpx.HTTPError as exc:
            raise errors.DownloadFailed(
                f"the image download failed ({type(exc).__name__})"
            ) from None

    # -- plumbing ----------------------------------------------------------------------------

    def _backoff(self, attempt: int) -> float:
        return random.uniform(0, min(self.backoff_cap, self.backoff_base * (2**attempt)))

    def _post(self, path: str, units: int = 1, **kwargs: Any) -> Any:
        return self._call("POST", path, units, **kwargs)

    def _call(
        self, method: str, path: str, units: int = 1, *, keyless: bool = False, **kwargs: Any
    ) -> Any:
        """One request with the retry rules above. A GET changes nothing at the API, so a GET
        whose answer was lost is simply asked again; a POST never is. GETs (polls) hold no
        in-flight place: the limit counts images being made, not questions about them."""
        if not self._api_key and not keyless:
            raise errors.MissingKey()
        headers = {} if keyless or not self._api_key else {"Api-Key": self._api_key}
        idempotent = method == "GET"
        for attempt in range(self.max_retries + 1):
            last_try = attempt == self.max_retries
            try:
                if idempotent:
                    response = self._http.request(method, path, headers=headers, **kwargs)
                else:
                    with self.limiter.slot(units) as ticket:
                        response = self._http.request(method, path, headers=headers, **kwargs)
                    if response.status_code == 429:
                        self.limiter.rate_limited(ticket)
                    elif response.status_code == 200:
                        self.limiter.answered(ticket)
            except NEVER_SENT as exc:
                # refused by httpx before a byte left: a URL or key it cannot put on the wire
                raise errors.ConnectFailed(
                    f"{path}: the request could not be sent ({type(exc).__name__}: {exc}); "
                    "nothing left this machine — check IDEOGRAM_BASE_URL and IDEOGRAM_API_KEY"
                ) from None
            except SAFE_TO_RETRY as exc:
                log.debug("%s %s attempt %d: %s", method, path, attempt + 1, type(exc).__name__)
                if last_try:
                    raise errors.ConnectFailed(
                        f"could not connect to {self.base_url} ({type(exc).__name__}); "
                        "check the network or IDEOGRAM_BASE_URL"
                    ) from None
                self._sleep(self._backoff(attempt))
                continue
            except httpx.HTTPError as exc:
                if idempotent and not last_try:
                    log.debug("%s %s attempt %d: %s", method, path, attempt + 1, type(exc).__name__)
                    self._sleep(self._backoff(attempt))
                    continue
                raise self._lost(path, exc, idempotent) from None
            log.debug("%s %s attempt %d: HTTP %d", method, path, attempt + 1, response.status_code)
            if response.status_code == 200:
                try:
                    return response.json()
                except ValueError:
                    raise errors.BadResponse(f"{path}: the API's answer is not JSON") from None
            if response.status_code in RETRY_STATUSES and not last_try:
                wait = _retry_after(response) if response.status_code == 429 else None
                self._sleep(
                    min(wait, self.backoff_cap) if wait is not None else self._backoff(attempt)
                )
                continue
            raise self._error_for(path, response)
        raise AssertionError("unreachable")  # pragma: no cover

    def _lost(self, path: str, exc: httpx.HTTPError, idempotent: bool) -> errors.ApiError:
        """The request left and no full answer came back."""
        what = (
            "no answer within the timeout"
            if isinstance(exc, httpx.TimeoutException)
            else (f"the connection broke before an answer ({type(exc).__name__})")
        )
        if idempotent:  # a question, asked max_retries times: nothing ran, nothing charged
            return errors.ConnectFailed(f"{path}: {what}, every time it was asked")
        return errors.OutcomeUnknown(
            f"{path}: {what}; the request may have run and been charged, so it was not sent again"
        )

    def _error_for(self, path: str, response: httpx.Response) -> errors.ApiError:
        status, detail = response.status_code, error_detail(response)
        if status == 404 and path.startswith(enums.GENERATIONS_PATH):
            return errors.GenerationNotFound(
                f"the API does not know generation {path.rsplit('/', 1)[-1]!r}: {detail}",
                status=status,
            )
        if status == 401 or (
            status == 403 and path in ("/remix", "/upscale", "/v1/ideogram-v3/remix")
        ):
            return errors.KeyRejected(
                f"the Ideogram API rejected the API key (HTTP {status}); check IDEOGRAM_API_KEY",
                status=status,
            )
        if status == 400:
            return errors.RequestRejected(f"the API refused the request: {detail}", status=status)
        if status == 422:
            return errors.SafetyRejected(
                f"the API's safety check refused it: {detail}", status=status
            )
        if status == 402:
            return errors.PaymentRequired(
                f"the API wants payment: {detail}; top up or raise the plan limit", status=status
            )
        if status == 429:
            return errors.RateLimited(
                f"the API is still rate-limiting after {self.max_retries} retries: {detail}",
                status=status,
            )
        if status >= 500:
            return errors.ServerError(
                f"the API failed with HTTP {status} after {self.max_retries} retries: {detail}",
                status=status,
            )
        return errors.ApiError(f"the API answered HTTP {status}: {detail}", status=status)
