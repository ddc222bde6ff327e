"""The fake's image tools, its newer /v1 routes: generate-transparent and ``/v1/edit`` (image
lists, §2.1), remove-background and layerize-text (their own bodies, §2.2).

Same order as every other route (``routes_ops``): key, count, read, validate in a worker
thread (uploads are decoded), then :func:`ideogram_fake.pipeline.run` — faults, safety, the
in-flight cap, latency. generate-transparent also takes a JSON body (§1).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ideogram_fake import validate_image_tools as tools
from ideogram_fake.answers import created_now
from ideogram_fake.links import IssuedImage
from ideogram_fake.pipeline import run, run_images
from ideogram_fake.routes_ops import intake
from ideogram_fake.state import FakeState
from ideogram_fake.validate_uploads import source_of
from ideovault.api import enums

_WORDS = ("SALE", "OPEN", "HELLO", "FRESH", "GRAND OPENING", "NEW", "COFFEE", "WELCOME")
_FONTS = ("Inter", "Roboto", "Playfair Display", "Montserrat", "Bebas Neue")


def add_image_tool_routes(app: FastAPI, state: FakeState) -> None:
    """Register the four routes on ``app``."""
    config = state.config

    def image_list_route(path: str, validator: Callable[..., Any], json_ok: bool) -> None:
        async def handler(request: Request) -> Response:
            fields, text = await intake(state, request, path, json_ok, "prompt")
            req = await run_in_threadpool(validator, fields, text, config)
            return await run_images(state, request, req)

        app.add_api_route(path, handler, methods=["POST"], name=path)

    image_list_route(tools.TRANSPARENT, tools.transparent, True)
    image_list_route(tools.INSTRUCT, tools.instruct, False)

    @app.post(tools.REMOVE_BACKGROUND)
    async def remove_background(request: Request) -> Response:
        fields, text = await intake(state, request, tools.REMOVE_BACKGROUND, False, "")
        got = await run_in_threadpool(tools.remove_background, fields, text, config)
        base = str(request.base_url)

        def build() -> dict[str, Any]:
            image = got.image
            item = IssuedImage("", 0, 0, image.width, image.height, source_of(image), alpha=True)
            url = state.links.issue(item, base, config.link_ttl)
            return {"created": created_now(), "data": [{"url": url, "is_image_safe": True}]}

        return await run(state, prompt="", unsafe_upload=got.unsafe_upload, places=1, build=build)

    @app.post(tools.LAYERIZE)
    async def layerize(request: Request) -> Response:
        fields, text = await intake(state, request, tools.LAYERIZE, False, "prompt")
        got = await run_in_threadpool(tools.layerize, fields, text, config)
        base = str(request.base_url)

        def build() -> dict[str, Any]:
            image = got.image
            seed = got.seed if got.seed is not None else secrets.randbelow(enums.MAX_SEED + 1)
            item = IssuedImage(got.prompt, seed, 0, image.width, image.height, source_of(image))
            return {
                "base_image_url": state.links.issue(item, base, config.link_ttl),
                "original_image_url": None,
                "seed": seed,
                "text_blocks": text_blocks(got.prompt, image.digest, image.width, image.height),
            }

        return await run(
            state, prompt=got.prompt, unsafe_upload=got.unsafe_upload, places=1, build=build
        )


def text_blocks(prompt: str, digest: str, width: int, height: int) -> list[dict[str, Any]]:
    """Deterministic text blocks: one per line of the prompt when it names the text, else a
    word chosen by the image's bytes; stacked from the top, centred, all §2.2 keys present."""
    lines = [line.strip() for line in prompt.splitlines() if line.strip()][:8]
    key = hashlib.sha256(digest.encode()).digest()
    if not lines:
        lines = [_WORDS[key[0] % len(_WORDS)], f"since {1990 + key[1] % 36}"]
    blocks = []
    row = max(1, height // (len(lines) + 1))
    for index, line in enumerate(lines):
        size = max(8, row // 2)
        blocks.append(
            {
                "role": "title" if index == 0 else "body",
                "text": line,
                "x": width // 10,
                "y": row * index + row // 2,
                "width": width - width // 5,
                "height": size,
                "angle": 0,
                "color": f"#{key[2 + index % 8]:02X}{key[10 + index % 8]:02X}{key[20]:02X}",
                "font_name": _FONTS[(key[3] + index) % len(_FONTS)],
                "font_alternatives": [_FONTS[(key[4] + index) % len(_FONTS)]],
                "font_size": size,
                "line_height": 1.2,
                "alignment": "center",
                "formatting": ["bold"] if index == 0 else [],
            }
        )
    return blocks
