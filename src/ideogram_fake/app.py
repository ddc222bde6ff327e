"""The fake Ideogram server's routes (FastAPI).

It answers like the real API (docs/ideogram-api.md §12): ``Api-Key`` checked, wrong input → 400,
unsafe prompt → 422, an in-flight cap → 429, expiring signed image links, deterministic PNGs.
The two generate routes live here; every image-input route (legacy, V3, V4) is registered by
``routes_ops`` (the four newest /v1 routes by ``routes_image_tools``) and goes through the
same ``fake.pipeline``; 4.0's magic-prompt, describe,
async generate, polling and JWKS are in ``fake.routes_v4``. Admin routes under
``/_fake`` (no key) let a test in another process inject faults and read counts. Waiting is
done with ``asyncio.sleep``, never in threads, so a slow fake can hold hundreds of calls open
at once, as the real service does; only PNG rendering and upload decoding use threads.
"""

from __future__ import annotations

import asyncio
import dataclasses

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from ideogram_fake import validate, validate_uploads
from ideogram_fake.auth import check_key
from ideogram_fake.config import FakeConfig
from ideogram_fake.forms import first_text, json_body, media_type, read_fields, wrong_media
from ideogram_fake.images import corrupt_png
from ideogram_fake.links import LINK_PREFIX, LinkCheck
from ideogram_fake.pipeline import UNSAFE_PROMPT_ERROR, run_images
from ideogram_fake.routes_image_tools import add_image_tool_routes
from ideogram_fake.routes_ops import add_operation_routes
from ideogram_fake.routes_v4 import add_v4_routes
from ideogram_fake.state import FakeState
from ideogram_fake.validate import FakeError
from ideogram_fake.wire import CutConnection, KeepRawSend, slow_stream
from ideovault.api import enums

__all__ = ["UNSAFE_PROMPT_ERROR", "FakeState", "create_app"]


def create_app(config: FakeConfig) -> KeepRawSend:
    """The ASGI app; ``.app.state.fake`` is its :class:`FakeState`."""
    app = FastAPI(title="ideovault fake Ideogram API", docs_url=None, redoc_url=None)
    state = FakeState(config)
    app.state.fake = state

    @app.exception_handler(FakeError)
    async def _fake_error(_request: Request, exc: FakeError) -> JSONResponse:
        return JSONResponse(exc.body, status_code=exc.status)

    @app.post(enums.LEGACY_ENDPOINT)
    async def legacy_generate(request: Request) -> Response:
        check_key(config, request)
        if media_type(request) != "application/json":
            state.stats.generate_call(enums.LEGACY_ENDPOINT, None)
            raise validate.bad("Content-Type must be application/json")
        body = await json_body(request)
        inner = body.get("image_request") if isinstance(body, dict) else None
        prompt = inner.get("prompt") if isinstance(inner, dict) else None
        state.stats.generate_call(
            enums.LEGACY_ENDPOINT, prompt if isinstance(prompt, str) else None
        )
        req = validate.legacy(body, strict=config.strict_fields)
        return await run_images(state, request, req)

    @app.post(enums.V3_ENDPOINT)
    async def v3_generate(request: Request) -> Response:
        check_key(config, request)
        parsed = await read_fields(request, json_ok=True)
        state.stats.generate_call(enums.V3_ENDPOINT, first_text(parsed and parsed[0], "prompt"))
        if parsed is None:
            raise wrong_media(json_ok=True)
        req = validate.v3(parsed[0], text=parsed[1], strict=config.strict_fields)
        uploads = await run_in_threadpool(validate_uploads.read_uploads, parsed[0], config)
        unsafe = validate_uploads.unsafe(uploads, config)
        return await run_images(state, request, dataclasses.replace(req, unsafe_upload=unsafe))

    add_operation_routes(app, state)
    add_image_tool_routes(app, state)
    add_v4_routes(app, state)

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
        body = await json_body(request)
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

    @app.post("/_fake/finish-async")
    async def finish_async() -> JSONResponse:
        return JSONResponse({"finished": state.jobs.finish_all()})

    @app.get("/_fake/stats")
    async def stats() -> JSONResponse:
        return JSONResponse(state.stats.snapshot())

    return KeepRawSend(app)


def _expired() -> JSONResponse:
    return JSONResponse({"error": "This link has expired."}, status_code=403)
