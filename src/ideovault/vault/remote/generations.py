"""``vault.generations`` through a server: generate and every image operation, describe,
magic-prompt and reproduce, with the server's Ideogram key (the client needs none).

``prepare`` builds a :class:`RemoteRequest` instead of validated parameters: the server
validates (the same ``parse_params``, so the same messages, exit code 2) when it is priced or
sent. Input images are sent as they must be to a server that reads no client's paths: a file
of the client as a ``data:`` URL (base64), a vault id as it is.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ideovault import ids
from ideovault.catalog.records import ImageRecord
from ideovault.errors import UserError
from ideovault.vault.events import Event
from ideovault.vault.remote.http import Namespace, path_id, record
from ideovault.vault.remote.images import fetch
from ideovault.vault.sending.verbs import OperationVerbs, Source

if TYPE_CHECKING:
    from ideovault.vault.describe import Described, V4Options
    from ideovault.vault.reproduce import Reproduction
    from ideovault.vault.sending import SendOptions
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


Images = list[ImageRecord]


def _quote(offer: dict[str, Any]) -> Quote:
    """The server's quote (its JSON) as the local vault's."""
    from ideovault.vault.spending import Quote

    known = {k: v for k, v in offer.items() if k != "prices_as_of"}
    return Quote(**known)


class RemoteGenerations(Namespace, OperationVerbs["RemoteRequest"]):
    _name = "generations"

    # -- requests and their price --------------------------------------------------------

    def prepare(self, prompt: str = "", **params: Any) -> RemoteRequest:
        return RemoteRequest(prompt, _uploads(params))

    def price(self, request: RemoteRequest) -> Quote:
        """The server's quote (``dry_run``): nothing is sent to Ideogram or stored; as the local
        ``price``, a price without a verdict on the budgets."""
        return self._quote(request, check_budgets=False)

    def quote(self, prompt: str = "", *, within_budget: bool = False, **params: Any) -> Quote:
        return self._quote(self.prepare(prompt, **params), check_budgets=within_budget)

    def _quote(self, request: RemoteRequest, *, check_budgets: bool) -> Quote:
        body = {"prompt": request.prompt, "params": request.params, "dry_run": True,
                "check_budgets": check_budgets}  # fmt: skip
        return _quote(self._conn.call("POST", "/api/generate", json=body)["quote"])

    # -- sending ---------------------------------------------------------------------------

    def send(self, request: RemoteRequest, *, options: SendOptions | None = None) -> Images:
        """Generate on the server; its answer has every image, stored or not. The server's
        vault may answer from earlier images (dedupe): then a ``reused`` event says so."""
        body: dict[str, Any] = {"prompt": request.prompt, "params": request.params}
        if options is not None:
            body |= {"tags": list(options.tags), "force": options.force,
                     "dedupe": options.dedupe, "max_usd": options.max_usd}  # fmt: skip
        answer = self._conn.call("POST", "/api/generate", json=body)
        images = [record(r) for r in answer["images"]]
        if answer.get("reused") and options is not None and options.on_event and images:
            options.on_event(Event("reused", images[0].generation_id, total=len(images)))
        return images

    def start(self, *args: Any, **kwargs: Any) -> Images:
        raise UserError(
            "--async keeps a local record to resume from, so it runs on the server's machine; "
            "without --async the server generates and stores the images for you"
        )

    # -- describing, prompting, reproducing ------------------------------------------------

    def describe(
        self,
        source: Source,
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
        answer = self._conn.call("POST", "/api/describe", json=body)
        return Described(
            record(answer["image"]), list(answer["descriptions"]), answer["generation_id"],
            answer.get("json_prompt"),
        )  # fmt: skip

    def magic_prompt(self, text: str, aspect_ratio: str | None = None) -> dict[str, Any]:
        body = {"text": text, "aspect_ratio": aspect_ratio}
        return dict(self._conn.call("POST", "/api/magic-prompt", json=body))

    def reproduce(self, image_id: str, *, options: SendOptions | None = None) -> Reproduction:
        """Send an image's request again on the server (``force`` and ``max_usd`` of
        ``options`` apply; the server keeps the tags a reproduction gets)."""
        from ideovault.vault.reproduce import Reproduction

        original = fetch(self._conn, image_id)
        body = {"force": options.force, "max_usd": options.max_usd} if options else {}
        answer = self._conn.call("POST", f"/api/images/{path_id(original.id)}/reproduce", json=body)
        images = [record(r) for r in answer["images"]]
        return Reproduction(original, images, bool(answer["reused"]))

    def reproduce_quote(self, image_id: str, *, force: bool = False) -> Quote:
        """What reproducing would cost ($0 when the server's vault answers it), budget-checked
        by the server."""
        answer = self._conn.call(
            "POST", f"/api/images/{path_id(image_id)}/reproduce",
            json={"force": force, "dry_run": True},
        )  # fmt: skip
        return _quote(answer["quote"])
