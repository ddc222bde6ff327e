"""The fake Ideogram server's routes (FastAPI), faults included.

It answers like the real API (ideogram-api.md §12): ``Api-Key`` checked, wrong input → 400,
unsafe prompt → 422, an in-flight cap → 429, expiring signed image links, deterministic PNGs.
Admin routes under ``/_fake`` let a test in another process inject faults and read counts.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import os
import random
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from ideovault.fake import validate
from ideovault.fake.config import FakeConfig
from ideovault.fake.faults import FaultBook
from ideovault.fake.images import render_png

MAGIC_SUFFIXES = (
    "cinematic lighting, rich detail, shallow depth of field",
    "soft pastel palette, clean composition, studio quality",
    "dramatic contrast, vivid colours, award-winning photograph",
    "minimal flat design, bold typography, balanced layout",
)


@dataclass(frozen=True)
class IssuedImage:
    prompt: str
    seed: int
    index: int
    width: int
    height: int


class Dropped(Response):
    """Send headers promising a body, send part of it (or none), then break the connection."""

    def __init__(self, body: bytes, declared: int, status: int = 200, media: str = "image/png"):
        super().__init__(status_code=status, media_type=media)
        self._partial = body
        self._declared = declared

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [
            (b"content-type", (self.media_type or "application/octet-stream").encode()),
            (b"content-length", str(self._declared).encode()),
        ]
        await send({"type": "http.response.start", "status": self.status_code, "headers": headers})
        if self._partial:
            await send({"type": "http.response.body", "body": self._partial, "more_body": True})
        raise ConnectionAbortedError("fake fault: connection dropped")


class FakeState:
    def __init__(self, config: FakeConfig) -> None:
        self.config = config
        self.faults = FaultBook()
        self.secret = os.urandom(32)
        self.issued: dict[str, IssuedImage] = {}
        self._cache: OrderedDict[IssuedImage, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def sign(self, image_id: str, exp: int) -> str:
        return hmac.new(self.secret, f"{image_id}:{exp}".encode(), hashlib.sha256).hexdigest()

    def png(self, image_id: str) -> bytes:
        """Render lazily; cached by what determines the pixels, so repeats are cheap."""
        item = self.issued[image_id]
        with self._lock:
            if item in self._cache:
                self._cache.move_to_end(item)
                return self._cache[item]
        data = render_png(item.prompt, item.seed, item.index, item.width, item.height)
        with self._lock:
            self._cache[item] = data
            while len(self._cache) > self.config.image_cache:
                self._cache.popitem(last=False)
        return data


def expand(prompt: str, magic: str | None) -> str:
    if magic == "OFF" or (magic in (None, "AUTO") and len(prompt.split()) >= 12):
        return prompt
    pick = int(hashlib.sha256(prompt.encode()).hexdigest(), 16) % len(MAGIC_SUFFIXES)
    return f"{prompt}, {MAGIC_SUFFIXES[pick]}"


def create_app(config: FakeConfig) -> FastAPI:
    app = FastAPI(title="ideovault fake Ideogram API", docs_url=None, redoc_url=None)
    state = FakeState(config)
    app.state.fake = state

    def check_key(request: Request) -> None:
        key = request.headers.get("Api-Key")
        if not key or (config.api_key is not None and not hmac.compare_digest(key, config.api_key)):
            raise validate.FakeError(401, "Invalid or missing API key")

    def answer(request: Request, req: validate.Request) -> Response:
        state.faults.count_generate(req.route, req.prompt)
        fault = state.faults.take("generate")
        if fault is not None:
            if fault.kind == "rate_limit":
                headers = {}
                retry_after = fault.options.get("retry_after", 1.0)
                if config.retry_after_on_429 and retry_after is not None:
                    headers["Retry-After"] = str(retry_after)
                return JSONResponse(_too_many(config), status_code=429, headers=headers)
            if fault.kind == "unavailable":
                return JSONResponse({"error": "Service temporarily unavailable"}, status_code=503)
            if fault.kind == "server_error":
                return JSONResponse({"error": "Internal server error"}, status_code=500)
            if fault.kind == "drop":
                return Dropped(b"", declared=1024, media="application/json")
            if fault.kind == "slow_generate":
                time.sleep(float(fault.options.get("seconds", 5.0)))
        if config.unsafe_prompt_marker in req.prompt:
            raise validate.FakeError(
                422,
                "Prompt provided failed safety check due to the inclusion of prohibited content.",
            )
        if not state.faults.acquire(req.num_images, config.max_in_flight):
            headers = {"Retry-After": "1"} if config.retry_after_on_429 else {}
            return JSONResponse(_too_many(config), status_code=429, headers=headers)
        try:
            if config.latency:
                time.sleep(config.latency)
            return JSONResponse(_images(state, request, req))
        finally:
            state.faults.release(req.num_images)

    @app.exception_handler(validate.FakeError)
    async def _fake_error(_request: Request, exc: validate.FakeError) -> JSONResponse:
        return JSONResponse(exc.body, status_code=exc.status)

    @app.post("/generate")
    async def legacy_generate(request: Request) -> Response:
        check_key(request)
        if not request.headers.get("content-type", "").startswith("application/json"):
            raise validate.FakeError(400, "Content-Type must be application/json")
        try:
            body = json.loads(await request.body())
        except ValueError:
            raise validate.FakeError(400, "body is not valid JSON") from None
        req = validate.legacy(body)
        return await _in_thread(answer, request, req)

    @app.post("/v1/ideogram-v3/generate")
    async def v3_generate(request: Request) -> Response:
        check_key(request)
        ctype = request.headers.get("content-type", "")
        fields: dict[str, list[Any]] = {}
        if ctype.startswith("multipart/form-data"):
            form = await request.form()
            for name, value in form.multi_items():
                fields.setdefault(name, []).append(value if isinstance(value, str) else "")
        elif ctype.startswith("application/json"):
            try:
                body = json.loads(await request.body())
            except ValueError:
                raise validate.FakeError(400, "body is not valid JSON") from None
            if not isinstance(body, dict):
                raise validate.FakeError(400, "body must be a JSON object")
            for name, value in body.items():
                fields[name] = value if isinstance(value, list) else [value]
        else:
            raise validate.FakeError(400, "Content-Type must be multipart/form-data")
        req = validate.v3(fields)
        return await _in_thread(answer, request, req)

    @app.get("/api/images/ephemeral/{name}")
    def image(name: str, exp: int = 0, sig: str = "") -> Response:
        image_id = name.removesuffix(".png")
        if image_id not in state.issued:
            return JSONResponse({"error": "Not found"}, status_code=404)
        state.faults.count_download(image_id)
        if not hmac.compare_digest(sig, state.sign(image_id, exp)) or time.time() > exp:
            return JSONResponse({"error": "Link expired"}, status_code=403)
        fault = state.faults.take("download")
        data = state.png(image_id)
        if config.download_delay:
            time.sleep(config.download_delay)
        if fault is not None:
            if fault.kind == "expire":
                return JSONResponse({"error": "Link expired"}, status_code=403)
            if fault.kind == "truncate":
                return Dropped(data[: len(data) // 2], declared=len(data))
            if fault.kind == "corrupt":
                junk = random.Random(image_id).randbytes(len(data))
                return Response(b"\x89PNG\r\n\x1a\n" + junk[8:], media_type="image/png")
            if fault.kind == "slow_download":
                return _slow(data, float(fault.options.get("seconds", 5.0)), config.chunk_size)
        return Response(data, media_type="image/png")

    @app.post("/_fake/faults")
    async def inject(request: Request) -> JSONResponse:
        try:
            body = json.loads(await request.body())
            kind, times = body.pop("kind"), int(body.pop("times", 1))
            state.faults.inject(kind, times, **body)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse({"ok": True})

    @app.post("/_fake/reset")
    def reset() -> JSONResponse:
        state.faults.reset()
        return JSONResponse({"ok": True})

    @app.get("/_fake/stats")
    def stats() -> JSONResponse:
        return JSONResponse(state.faults.stats())

    return app


async def _in_thread(fn: Any, *args: Any) -> Response:
    from starlette.concurrency import run_in_threadpool

    result: Response = await run_in_threadpool(fn, *args)
    return result


def _too_many(config: FakeConfig) -> dict[str, Any]:
    return {
        "error": "Too many requests in flight",
        "reject_reason": "inflight_limit",
        "max_inflight_requests": config.max_in_flight,
    }


def _slow(data: bytes, seconds: float, chunk: int) -> StreamingResponse:
    pieces = max(1, (len(data) + chunk - 1) // chunk)

    def body() -> Iterator[bytes]:
        for start in range(0, len(data), chunk):
            time.sleep(seconds / pieces)
            yield data[start : start + chunk]

    return StreamingResponse(
        body(), media_type="image/png", headers={"Content-Length": str(len(data))}
    )


def _images(state: FakeState, request: Request, req: validate.Request) -> dict[str, Any]:
    config = state.config
    width, height = (int(x) for x in req.resolution.split("x"))
    shown_prompt = expand(req.prompt, req.magic_prompt)
    exp = math.ceil(time.time() + config.link_ttl)  # never sooner than the TTL promises
    base = str(request.base_url).rstrip("/")
    data = []
    for index in range(req.num_images):
        seed = req.seed if req.seed is not None else secrets.randbelow(2_147_483_648)
        unsafe = config.unsafe_image_marker in req.prompt and index == req.num_images - 1
        image_id = secrets.token_urlsafe(16)[:22]
        state.issued[image_id] = IssuedImage(req.prompt, seed, index, width, height)
        url = (
            f"{base}/api/images/ephemeral/{image_id}.png?exp={exp}&sig={state.sign(image_id, exp)}"
        )
        item: dict[str, Any] = {
            "url": None if unsafe else url,
            "prompt": shown_prompt,
            "resolution": req.resolution,
            "is_image_safe": not unsafe,
            "seed": seed,
            "style_type": req.style_type,
        }
        data.append(item)
    state.faults.issued(len(data))
    return {"created": datetime.now(UTC).isoformat(timespec="microseconds"), "data": data}
