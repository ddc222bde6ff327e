"""The image-input routes of the fake: legacy /remix /upscale /edit /reframe /describe, the V3
operations (inpaint and its /edit alias, remix, reframe, replace-background) and V4 generate
and remix (docs/ideogram-api.md §4, §5, §6).

Each route does what the generate routes do, in the same order: the key first (401, or 403 on
legacy /remix and /upscale as documented), then the call is counted under its own path (valid
or not, like generate), then the body is read and validated (400), then
:func:`ideogram_fake.pipeline.run` applies faults, safety (422), the in-flight cap (429,
counting images) and latency. Validation decodes the uploads with Pillow, so it runs in a
worker thread and never stalls the event loop that holds the other calls open.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ideogram_fake import validate_legacy_ops as legacy_ops
from ideogram_fake import validate_v3_ops as v3_ops
from ideogram_fake import validate_v4 as v4
from ideogram_fake.answers import describe
from ideogram_fake.auth import FORBIDDEN_ON_BAD_KEY, check_key
from ideogram_fake.config import FakeConfig
from ideogram_fake.forms import first_text, read_fields, wrong_media
from ideogram_fake.pipeline import run, run_images
from ideogram_fake.state import FakeState
from ideogram_fake.validate import Fields
from ideogram_fake.validate import Request as ImageRequest

Validator = Callable[[Fields, bool, FakeConfig], ImageRequest]

# path → (validator, whether a JSON body is also accepted, the field holding the prompt)
IMAGE_ROUTES: dict[str, tuple[Validator, bool, str]] = {
    legacy_ops.REMIX: (legacy_ops.remix, False, "image_request"),
    legacy_ops.UPSCALE: (legacy_ops.upscale, False, "image_request"),
    legacy_ops.EDIT: (legacy_ops.edit, False, "prompt"),
    legacy_ops.REFRAME: (legacy_ops.reframe, False, "prompt"),
    v3_ops.INPAINT: (v3_ops.inpaint, False, "prompt"),
    v3_ops.EDIT_ALIAS: (partial(v3_ops.inpaint, route=v3_ops.EDIT_ALIAS), False, "prompt"),
    v3_ops.REMIX: (v3_ops.remix, False, "prompt"),
    v3_ops.REFRAME: (v3_ops.reframe, False, "prompt"),
    v3_ops.REPLACE_BACKGROUND: (v3_ops.replace_background, False, "prompt"),
    v4.GENERATE: (v4.generate, True, "text_prompt"),
    v4.REMIX: (v4.remix, False, "text_prompt"),
}


def prompt_for_stats(fields: Fields | None, name: str) -> str | None:
    """The prompt a call asked for, for ``calls_by_prompt``; inside image_request on legacy."""
    if name != "image_request":
        return first_text(fields, name)
    raw = first_text(fields, name)
    try:
        inner = json.loads(raw) if raw is not None else None
    except ValueError:
        return None
    prompt = inner.get("prompt") if isinstance(inner, dict) else None
    return prompt if isinstance(prompt, str) else None


async def intake(
    state: FakeState, request: Request, path: str, json_ok: bool, prompt_field: str
) -> tuple[Fields, bool]:
    """Key, then the call is counted under ``path`` (valid or not), then the body is read."""
    check_key(state.config, request, 403 if path in FORBIDDEN_ON_BAD_KEY else 401)
    parsed = await read_fields(request, json_ok=json_ok)
    state.stats.generate_call(path, prompt_for_stats(parsed and parsed[0], prompt_field))
    if parsed is None:
        raise wrong_media(json_ok)
    return parsed


def add_operation_routes(app: FastAPI, state: FakeState) -> None:
    """Register every image-input route on ``app``."""
    config = state.config

    def image_route(path: str, validator: Validator, json_ok: bool, prompt_field: str) -> None:
        async def handler(request: Request) -> Response:
            fields, text = await intake(state, request, path, json_ok, prompt_field)
            req = await run_in_threadpool(validator, fields, text, config)
            return await run_images(state, request, req)

        app.add_api_route(path, handler, methods=["POST"], name=path)

    for path, (validator, json_ok, prompt_field) in IMAGE_ROUTES.items():
        image_route(path, validator, json_ok, prompt_field)

    @app.post(legacy_ops.DESCRIBE)
    async def describe_image(request: Request) -> Response:
        fields, text = await intake(state, request, legacy_ops.DESCRIBE, False, "")
        image, version, unsafe = await run_in_threadpool(legacy_ops.describe, fields, text, config)
        return await run(
            state, prompt="", unsafe_upload=unsafe, places=1, issues=0,
            build=lambda: describe(image, version),
        )  # fmt: skip
