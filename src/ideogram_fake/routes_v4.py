"""The 4.0 routes that are not plain image routes (docs/ideogram-api.md §6.3, §8): magic-prompt,
describe, async generate, polling, and the JWKS of the webhook signing keys.

They follow the order of every other route: key first (401), then the call is counted, then
the body is checked (400), then ``pipeline.run`` applies faults, safety, the in-flight cap and
latency. The JWKS is public (no key), as on the real service.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from ideogram_fake import validate_v4 as v4
from ideogram_fake.auth import check_key
from ideogram_fake.captions import v4_describe, v4_magic_prompt
from ideogram_fake.config import FakeConfig
from ideogram_fake.forms import first_text, json_body, media_type, read_fields, wrong_media
from ideogram_fake.pipeline import run
from ideogram_fake.state import FakeState
from ideogram_fake.validate import FakeError, bad
from ideovault.api import enums

_GENERATION_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_METADATA_HOSTS = {"169.254.169.254", "metadata.google.internal", "fd00:ec2::254"}
LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}


def webhook_target(url: str | None, config: FakeConfig) -> str | None:
    """Check ``webhook_url`` as the real API does; return it if the fake may deliver to it.

    HTTPS, at most 2048 characters, and no private, loopback, link-local or metadata host (the
    real API's rule: a webhook must not reach into Ideogram's own network). Loopback is allowed
    only with ``allow_loopback_webhooks`` (then plain http too, for a test's receiver); only
    loopback targets are ever contacted, so the answer is None for any other accepted URL.
    """
    if not url:
        raise bad("webhook_url is required (an https URL)")
    if len(url) > enums.MAX_WEBHOOK_URL_CHARS:
        raise bad(f"webhook_url is longer than {enums.MAX_WEBHOOK_URL_CHARS} characters")
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        _ = parts.port  # a bad port raises here
    except ValueError:
        raise bad("webhook_url is not a valid URL") from None
    if not host or parts.scheme not in ("https", "http"):
        raise bad("webhook_url must be an https URL with a host")
    if host in _METADATA_HOSTS:
        raise bad("webhook_url may not point at a cloud metadata address")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    loopback = host in LOOPBACK_NAMES or (address is not None and address.is_loopback)
    if loopback and config.allow_loopback_webhooks:
        return url
    if loopback or (address is not None and not address.is_global):
        raise bad("webhook_url may not point at a loopback or private address")
    if parts.scheme != "https":
        raise bad("webhook_url must use https")
    return None


def add_v4_routes(app: FastAPI, state: FakeState) -> None:
    config = state.config

    @app.post(enums.V4_MAGIC_PROMPT_ENDPOINT)
    async def magic_prompt(request: Request) -> Response:
        check_key(config, request)
        if media_type(request) != "application/json":
            state.stats.generate_call(enums.V4_MAGIC_PROMPT_ENDPOINT, None)
            raise bad("Content-Type must be application/json")
        body = await json_body(request)
        text = body.get("text_prompt") if isinstance(body, dict) else None
        state.stats.generate_call(
            enums.V4_MAGIC_PROMPT_ENDPOINT, text if isinstance(text, str) else None
        )
        text, ratio = v4.magic_prompt(body, config)
        return await run(
            state, prompt="", unsafe_upload=False, places=1, issues=0,
            build=lambda: v4_magic_prompt(text, ratio),
        )  # fmt: skip

    @app.post(v4.DESCRIBE)
    async def describe(request: Request) -> Response:
        check_key(config, request)
        parsed = await read_fields(request, json_ok=False)
        state.stats.generate_call(v4.DESCRIBE, None)
        if parsed is None:
            raise wrong_media(json_ok=False)
        image, switches, unsafe = await run_in_threadpool(v4.describe, *parsed, config)
        return await run(
            state, prompt="", unsafe_upload=unsafe, places=1, issues=0,
            build=lambda: {"json_prompt": v4_describe(
                image.data, image.width, image.height, image.kind,
                bbox=switches["include_bbox"], style=switches["include_style_descriptions"],
                tags=switches["include_tags"],
            )},
        )  # fmt: skip

    @app.post(enums.V4_ASYNC_ENDPOINT)
    async def submit(request: Request) -> Response:
        check_key(config, request)
        parsed = await read_fields(request, json_ok=True)
        prompt = first_text(parsed and parsed[0], "text_prompt")
        state.stats.generate_call(enums.V4_ASYNC_ENDPOINT, prompt)
        if parsed is None:
            raise wrong_media(json_ok=True)
        target = webhook_target(request.query_params.get("webhook_url"), config)
        req = await run_in_threadpool(v4.generate, *parsed, config)
        base_url = str(request.base_url)
        return await run(
            state, prompt=req.prompt, unsafe_upload=False, places=req.num_images, issues=0,
            build=lambda: {"generation_id": state.jobs.submit(req, base_url, target)},
        )  # fmt: skip

    @app.get(enums.GENERATIONS_PATH + "{generation_id}")
    async def poll(generation_id: str, request: Request) -> Response:
        check_key(config, request)
        if not _GENERATION_ID.fullmatch(generation_id):
            raise bad("generation_id is not a valid id")
        answer = state.jobs.poll(generation_id)
        if answer is None:
            raise FakeError(404, f"Generation {generation_id} not found.")
        return JSONResponse(answer)

    @app.get(enums.JWKS_PATH)
    async def jwks() -> Response:
        return JSONResponse(state.webhook_keys.jwks())

    @app.post("/_fake/rotate-webhook-key")
    async def rotate() -> Response:
        return JSONResponse({"kid": state.webhook_keys.rotate()})
