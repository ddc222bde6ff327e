"""The order every working route follows once its request is valid (docs/ideogram-api.md §7, §12).

Injected faults first (they stand for the network and the service, not for the input), then
the safety checks (422 for an unsafe prompt or input image), then the in-flight cap (429 when
the images asked for do not fit), then the slow part, then the answer. Image routes hold one
place per image they make; /describe holds one place for the call (it makes no image but the
real service still works on it). Rejected calls issue nothing, as the real API does not bill them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from ideogram_fake.answers import image_list, too_many
from ideogram_fake.state import FakeState
from ideogram_fake.validate import FakeError
from ideogram_fake.validate import Request as ImageRequest
from ideogram_fake.wire import CutConnection

UNSAFE_PROMPT_ERROR = (
    "Prompt provided failed safety check due to the inclusion of prohibited content."
)
UNSAFE_IMAGE_ERROR = (
    "Image provided failed safety check due to the inclusion of prohibited content."
)


async def run_images(state: FakeState, request: Request, req: ImageRequest) -> Response:
    """Answer an image-making request (generate or any image operation) with an image list."""
    base_url = str(request.base_url)
    return await run(
        state,
        prompt=req.prompt,
        unsafe_upload=req.unsafe_upload,
        places=req.num_images,
        build=lambda: image_list(req, state.links, state.config, base_url),
    )


async def run(
    state: FakeState,
    *,
    prompt: str,
    unsafe_upload: bool,
    places: int,
    build: Callable[[], dict[str, Any]],
    issues: int | None = None,
) -> Response:
    """Faults, safety, cap, wait, then ``build()``; ``issues`` images counted (default places)."""
    config = state.config
    epoch = state.stats.epoch()
    fault = state.faults.take("generate")
    extra_wait = 0.0
    if fault is not None:
        if fault.kind == "rate_limit":
            default = 1.0 if config.retry_after_on_429 else None
            retry_after = fault.options.get("retry_after", default)
            headers = {} if retry_after is None else {"Retry-After": seconds_text(retry_after)}
            return JSONResponse(too_many(config), status_code=429, headers=headers)
        if fault.kind == "payment_required":
            body = {"error": "Insufficient credits.", "reject_reason": "insufficient_funds"}
            return JSONResponse(body, status_code=402)
        if fault.kind == "unavailable":
            return JSONResponse({"error": "Service temporarily unavailable."}, status_code=503)
        if fault.kind == "server_error":
            return JSONResponse({"error": "Internal server error."}, status_code=500)
        if fault.kind == "drop":
            return CutConnection(b"", 0, headers_first=False, media="application/json")
        if fault.kind == "slow_generate":
            extra_wait = fault.seconds()
    if config.unsafe_prompt_marker and config.unsafe_prompt_marker in prompt:
        raise FakeError(422, UNSAFE_PROMPT_ERROR)
    if unsafe_upload:
        raise FakeError(422, UNSAFE_IMAGE_ERROR)
    if not state.stats.acquire(places, config.max_in_flight):
        headers = {"Retry-After": "1"} if config.retry_after_on_429 else {}
        return JSONResponse(too_many(config), status_code=429, headers=headers)
    try:
        if config.latency + extra_wait > 0:
            await asyncio.sleep(config.latency + extra_wait)
        body = build()
    finally:
        state.stats.release(places)
    state.stats.issued(places if issues is None else issues, prompt, epoch)
    return JSONResponse(body)


def seconds_text(value: float) -> str:
    """Retry-After as decimal seconds: 1 → "1", 0.25 → "0.25" (never exponent notation)."""
    return f"{value:f}".rstrip("0").rstrip(".") or "0"
