"""The fake Ideogram server's routes (FastAPI).

It answers like the real API (ideogram-api.md §12): ``Api-Key`` checked, wrong input → 400,
unsafe prompt → 422, an in-flight cap → 429, expiring signed image links, deterministic PNGs.
Admin routes under ``/_fake`` (no key) let a test in another process inject faults and read
counts. Waiting is done with ``asyncio.sleep``, never in threads, so a slow fake can hold
hundreds of calls open at once, as the real service does; only PNG rendering uses a thread.
"""

from __future__ import annotations

import asyncio
import hmac
import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from ideovault.api import enums
from ideovault.fake import validate
from ideovault.fake.answers import image_list, too_many
from ideovault.fake.config import FakeConfig
from ideovault.fake.faults import FaultBook
from ideovault.fake.images import corrupt_png
from ideovault.fake.links import LINK_PREFIX, ImageLinks, LinkCheck
from ideovault.fake.stats import Stats
from ideovault.fake.validate import FakeError, FilePart
from ideovault.fake.wire import CutConnection, KeepRawSend, slow_stream

UNSAFE_PROMPT_ERROR = (
    "Prompt provided failed safety check due to the inclusion of prohibited content."
)


class FakeState:
    """Everything one fake server knows; shared by its routes and by ``FakeServer``."""

    def __init__(self, config: FakeConfig) -> None:
        self.config = config
        self.faults = FaultBook()
        self.stats = Stats()
        self.links = ImageLinks(config.image_cache)

    def reset(self) -> None:
        self.faults.reset()
        self.stats.reset()


def create_app(config: FakeConfig) -> KeepRawSend:
    """The ASGI app; ``.app.state.fake`` is its :class:`FakeState`."""
    app = FastAPI(title="ideovault fake Ideogram API", docs_url=None, redoc_url=None)
    state = FakeState(config)
    app.state.fake = state

    @app.exception_handler(FakeError)
    async def _fake_error(_request: Request, exc: FakeError) -> JSONResponse:
        return JSONResponse(exc.body, status_code=exc.status)

    def check_key(request: Request) -> None:
        """401 on a missing or wrong ``Api-Key``; the message never repeats the key."""
        key = request.headers.get("Api-Key", "").encode("latin-1")
        expected = config.api_key.encode() if config.api_key is not None else None
        if not key.strip() or (expected is not None and not hmac.compare_digest(key, expected)):
            raise FakeError(401, "Invalid or missing API key (send it in the Api-Key header).")

    @app.post(enums.LEGACY_ENDPOINT)
    async def legacy_generate(request: Request) -> Response:
        check_key(request)
        if _media_type(request) != "application/json":
            state.stats.generate_call(enums.LEGACY_ENDPOINT, None)
            raise validate.bad("Content-Type must be application/json")
        body = await _json_body(request)
        inner = body.get("image_request") if isinstance(body, dict) else None
        prompt = inner.get("prompt") if isinstance(inner, dict) else None
        state.stats.generate_call(
            enums.LEGACY_ENDPOINT, prompt if isinstance(prompt, str) else None
        )
        req = validate.legacy(body, strict=config.strict_fields)
        return await _generate(state, request, req)

    @app.post(enums.V3_ENDPOINT)
    async def v3_generate(request: Request) -> Response:
        check_key(request)
        parsed = await _v3_fields(request)
        prompts = (parsed[0].get("prompt") if parsed else None) or [None]
        state.stats.generate_call(
            enums.V3_ENDPOINT, prompts[0] if isinstance(prompts[0], str) else None
        )
        if parsed is None:
            raise validate.bad("Content-Type must be multipart/form-data or application/json")
        req = validate.v3(parsed[0], text=parsed[1], strict=config.strict_fields)
        return await _generate(state, request, req)

    @app.get(LINK_PREFIX + "{name}")
    async def image(name: str, request: Request) -> Response:
        image_id = name.removesuffix(".png")
        query = request.query_params
        verdict = state.links.check(image_id, query.get("exp", ""), query.get("sig", ""))
        if not name.endswith(".png") or verdict == LinkCheck.UNKNOWN:
            return JSONResponse({"error": "Not found."}, status_code=404)
        state.stats.download(image_id)
        if verdict == LinkCheck.EXPIRED:
            return _expired()
        fault = state.faults.take("download")
        if config.download_delay:
            await asyncio.sleep(config.download_delay)
        kind = fault.kind if fault is not None else None
        if kind == "expire":
            return _expired()
        data = await run_in_threadpool(state.links.png, image_id)
        if kind == "truncate":
            half = data[: len(data) // 2]
            return CutConnection(half, len(data), headers_first=True, media="image/png")
        if kind == "corrupt":
            return Response(corrupt_png(data, image_id), media_type="image/png")
        if fault is not None and kind == "slow_download":
            return slow_stream(data, fault.seconds(), config.chunk_size, "image/png")
        return Response(data, media_type="image/png")

    @app.post("/_fake/faults")
    async def inject(request: Request) -> JSONResponse:
        body = await _json_body(request)
        if not isinstance(body, dict):
            raise validate.bad('send {"kind": ..., "times": N, ...options}')
        options = dict(body)
        kind, times = options.pop("kind", None), options.pop("times", 1)
        try:
            state.faults.inject(kind, times, **options)
        except ValueError as exc:
            raise validate.bad(str(exc)) from None
        return JSONResponse({"ok": True})

    @app.post("/_fake/reset")
    async def reset() -> JSONResponse:
        state.reset()
        return JSONResponse({"ok": True})

    @app.get("/_fake/stats")
    async def stats() -> JSONResponse:
        return JSONResponse(state.stats.snapshot())

    return KeepRawSend(app)


async def _generate(state: FakeState, request: Request, req: validate.Request) -> Response:
    """Faults first, then safety, then the in-flight cap, then the (slow) work."""
    config = state.config
    fault = state.faults.take("generate")
    extra_wait = 0.0
    if fault is not None:
        if fault.kind == "rate_limit":
            default = 1.0 if config.retry_after_on_429 else None
            retry_after = fault.options.get("retry_after", default)
            headers = {} if retry_after is None else {"Retry-After": _seconds(retry_after)}
            return JSONResponse(too_many(config), status_code=429, headers=headers)
        if fault.kind == "unavailable":
            return JSONResponse({"error": "Service temporarily unavailable."}, status_code=503)
        if fault.kind == "server_error":
            return JSONResponse({"error": "Internal server error."}, status_code=500)
        if fault.kind == "drop":
            return CutConnection(b"", 0, headers_first=False, media="application/json")
        if fault.kind == "slow_generate":
            extra_wait = fault.seconds()
    if config.unsafe_prompt_marker and config.unsafe_prompt_marker in req.prompt:
        raise FakeError(422, UNSAFE_PROMPT_ERROR)
    if not state.stats.acquire(req.num_images, config.max_in_flight):
        headers = {"Retry-After": "1"} if config.retry_after_on_429 else {}
        return JSONResponse(too_many(config), status_code=429, headers=headers)
    try:
        if config.latency + extra_wait > 0:
            await asyncio.sleep(config.latency + extra_wait)
        body = image_list(req, state.links, config, str(request.base_url))
    finally:
        state.stats.release(req.num_images)
    state.stats.issued(req.num_images, req.prompt)
    return JSONResponse(body)


def _seconds(value: float) -> str:
    """Retry-After as decimal seconds: 1 → "1", 0.25 → "0.25" (never exponent notation)."""
    return f"{value:f}".rstrip("0").rstrip(".") or "0"


def _expired() -> JSONResponse:
    return JSONResponse({"error": "This link has expired."}, status_code=403)


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def _json_body(request: Request) -> Any:
    try:
        return json.loads(await request.body())
    except ValueError:  # includes UnicodeDecodeError
        raise validate.bad("the body is not valid JSON") from None


async def _v3_fields(request: Request) -> tuple[dict[str, list[Any]], bool] | None:
    """The fields as lists and whether they came as text (multipart); None: wrong media type."""
    media = _media_type(request)
    if media == "multipart/form-data":
        try:
            form = await request.form()
        except Exception:  # starlette raises several kinds on a broken multipart body
            raise validate.bad("the multipart body could not be parsed") from None
        fields: dict[str, list[Any]] = {}
        for name, value in form.multi_items():
            part: Any = value
            if isinstance(value, UploadFile):
                part = FilePart(value.filename or "", value.size or 0)
            fields.setdefault(name, []).append(part)
        return fields, True
    if media == "application/json":
        body = await _json_body(request)
        if not isinstance(body, dict):
            raise validate.bad("the JSON body must be an object")
        return {k: v if isinstance(v, list) else [v] for k, v in body.items()}, False
    return None
