"""Generating through a server: generate and every image operation, describe, magic-prompt
and reproduce, with the server's Ideogram key (the client needs none).

``prepare`` builds a :class:`RemoteRequest` instead of validated parameters: the server
validates (the same ``parse_params``, so the same messages, exit code 2) when it is priced or
sent. Input images are sent as they must be to a server that reads no client's paths: a file
of the client as a ``data:`` URL (base64), a vault id as it is.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ideovault import ids
from ideovault.catalog.records import ImageRecord
from ideovault.errors import UserError
from ideovault.vault.events import Event, EventSink
from ideovault.vault.remote.http import RemoteHttp, path_id, record

if TYPE_CHECKING:
    from ideovault.vault.describe import Described, V4Options
    from ideovault.vault.reproduce import Reproduction
    from ideovault.vault.spending import Quote

# The parameters that name input images (api.params.UPLOAD_FIELDS), with what to call them.
UPLOADS = {
    "image": "the input image",
    "mask": "the mask",
    "style_reference_images": "a style reference image",
    "character_reference_images": "a character reference image",
    "character_reference_images_mask": "a character reference mask",
    "images": "an input image",
}
MAGIC = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg", b"RIFF": "image/webp"}


@dataclass(frozen=True)
class RemoteRequest:
    """A request as the server's ``POST /api/generate`` takes it (validated there)."""

    prompt: str
    params: dict[str, Any] = field(default_factory=dict)


def as_upload(ref: object, what: str) -> str:
    """A client's file as a ``data:`` URL, or a vault id as it is (the server resolves it)."""
    text = str(ref)
    if not text.strip():
        raise UserError(f"{what}: give a file path or a vault id")
    if isinstance(ref, Path) or os.path.lexists(text):
        try:
            data = Path(text).read_bytes()
        except OSError as exc:
            raise UserError(f"{what}: cannot read {text} ({exc.strerror or exc})") from None
        mime = next((m for magic, m in MAGIC.items() if data.startswith(magic)), "image/png")
        return f"data:{mime};base64," + base64.b64encode(data).decode("ascii")
    if ids.normalize_prefix(text) is None:
        raise UserError(f"{what}: {text!r} is neither a file nor an image id in the vault")
    return text


def _uploads(params: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in params.items() if v is not None}
    for name, what in UPLOADS.items():
        value = out.get(name)
        if isinstance(value, list | tuple):
            out[name] = [as_upload(v, what) for v in value]
        elif value is not None:
            out[name] = as_upload(value, what)
    return out


class RemoteSending(RemoteHttp):
    def get(self, id_or_prefix: str) -> ImageRecord:
        raise NotImplementedError

    def prepare(self, prompt: str = "", **params: Any) -> RemoteRequest:
        return RemoteRequest(prompt, _uploads(params))

    def prepare_operation(
        self, operation: str, source: str | Path, prompt: str = "", **params: Any
    ) -> RemoteRequest:
        return self.prepare(prompt, operation=operation, image=source, **params)

    def prepare_instruct(
        self, sources: Sequence[str | Path], prompt: str, **params: Any
    ) -> RemoteRequest:
        return self.prepare(prompt, operation="instruct", images=list(sources), **params)

    def price(self, request: RemoteRequest) -> Quote:
        """The server's quote (``dry_run``): nothing is sent to Ideogram or stored; as
        ``Vault.price``, a price without a verdict on the budgets."""
        return self._quote(request, check_budgets=False)

    def _quote(self, request: RemoteRequest, *, check_budgets: bool) -> Quote:
        from ideovault.vault.spending import Quote

        body = {"prompt": request.prompt, "params": request.params, "dry_run": True,
                "check_budgets": check_budgets}  # fmt: skip
        offer = dict(self._call("POST", "/api/generate", json=body)["quote"])
        offer.pop("prices_as_of", None)
        return Quote(**offer)

    def quote(self, prompt: str = "", *, within_budget: bool = False, **params: Any) -> Quote:
        return self._quote(self.prepare(prompt, **params), check_budgets=within_budget)

    def send(
        self,
        request: RemoteRequest,
        *,
        tags: Iterable[str] = (),
        on_event: EventSink | None = None,
        dedupe: str | None = None,
        force: bool = False,
        max_usd: float | None = None,
    ) -> list[ImageRecord]:
        """Generate on the server; its answer has every image, stored or not."""
        body = {
            "prompt": request.prompt, "params": request.params, "tags": list(tags),
            "force": force, "dedupe": dedupe, "max_usd": max_usd,
        }  # fmt: skip
        answer = self._call("POST", "/api/generate", json=body)
        images = [record(r) for r in answer["images"]]
        if answer.get("reused") and on_event is not None and images:
            on_event(Event("reused", images[0].generation_id, total=len(images)))
        return images

    def generate(
        self,
        prompt: str = "",
        *,
        tags: Iterable[str] = (),
        on_event: EventSink | None = None,
        dedupe: str | None = None,
        force: bool = False,
        max_usd: float | None = None,
        **params: Any,
    ) -> list[ImageRecord]:
        request = self.prepare(prompt, **params)
        return self.send(
            request, tags=tags, on_event=on_event, dedupe=dedupe, force=force, max_usd=max_usd
        )

    def generate_async(self, *args: Any, **kwargs: Any) -> list[ImageRecord]:
        raise UserError(
            "--async keeps a local record to resume from, so it runs on the server's machine; "
            "without --async the server generates and stores the images for you"
        )

    def describe(
        self,
        source: str | Path,
        *,
        model_version: str | None = None,
        max_usd: float | None = None,
        v4: V4Options | None = None,
    ) -> Described:
        from ideovault.vault.describe import Described

        body: dict[str, Any] = {
            "source": as_upload(source, "the input image"), "model_version": model_version,
            "max_usd": max_usd, "v4": vars(v4) if v4 is not None else None,
        }  # fmt: skip
        answer = self._call("POST", "/api/describe", json=body)
        return Described(
            record(answer["image"]), list(answer["descriptions"]), answer["generation_id"],
            answer.get("json_prompt"),
        )  # fmt: skip

    def magic_prompt(self, text: str, aspect_ratio: str | None = None) -> dict[str, Any]:
        body = {"text": text, "aspect_ratio": aspect_ratio}
        return dict(self._call("POST", "/api/magic-prompt", json=body))

    def reproduce(
        self,
        image_id: str,
        *,
        force: bool = False,
        on_event: EventSink | None = None,
        max_usd: float | None = None,
    ) -> Reproduction:
        from ideovault.vault.reproduce import Reproduction

        original = self.get(image_id)
        answer = self._call(
            "POST", f"/api/images/{path_id(original.id)}/reproduce",
            json={"force": force, "max_usd": max_usd},
        )  # fmt: skip
        images = [record(r) for r in answer["images"]]
        return Reproduction(original, images, bool(answer["reused"]))
