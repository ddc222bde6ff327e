"""The image operations as verbs: each is ``operate`` (or ``generate``) with its route named.

The local service (``vault.generations``) and the remote vault prepare and send a request
differently but name the operations alike; both take these verbs from :class:`OperationVerbs`
and supply the two ways: ``prepare`` (a request, validated here or by the server) and ``send``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from ideovault.catalog.records import ImageRecord
    from ideovault.vault.sending.options import SendOptions

Images = list["ImageRecord"]
Source = str | Path  # a vault id (or unique prefix), or a file of the caller's


Request = TypeVar("Request")  # validated parameters (local) or a request for a server


class OperationVerbs(ABC, Generic[Request]):
    """generate, operate, instruct, remix, edit, upscale, reframe, replace_background,
    generate_transparent, remove_background and layerize_text, over :meth:`prepare` and
    :meth:`send`."""

    @abstractmethod
    def prepare(self, prompt: str = "", **params: Any) -> Request:
        """Check a request without sending or storing anything (UserError on bad input)."""

    @abstractmethod
    def send(self, request: Request, *, options: SendOptions | None = None) -> Images:
        """Send a prepared request and keep what comes back."""

    def generate(
        self, prompt: str = "", *, options: SendOptions | None = None, **params: Any
    ) -> Images:
        """Generate, download at once, store and catalog; returns every image, unsafe included.

        An identical earlier request may be answered from the vault instead (``dedupe``:
        seeded, always, never; ``force`` always calls), and a request over a budget is refused
        before anything is sent.
        """
        return self.send(self.prepare(prompt, **params), options=options)

    def operate(
        self,
        operation: str,
        source: Source,
        prompt: str = "",
        *,
        options: SendOptions | None = None,
        **params: Any,
    ) -> Images:
        """Run one image operation on ``source`` (a vault id or a file of the caller's)."""
        request = self.prepare_operation(operation, source, prompt, **params)
        return self.send(request, options=options)

    def prepare_operation(
        self, operation: str, source: Source, prompt: str = "", **params: Any
    ) -> Request:
        """Check an operation without sending it (for ``--dry-run`` and quotes)."""
        return self.prepare(prompt, operation=operation, image=source, **params)

    def instruct(
        self,
        sources: Sequence[Source],
        prompt: str,
        *,
        options: SendOptions | None = None,
        **params: Any,
    ) -> Images:
        """Edit by instruction (``/v1/edit``): ``prompt`` says what to change in up to 10
        input images (ids or files); the first is the parent of the outputs."""
        return self.send(self.prepare_instruct(sources, prompt, **params), options=options)

    def prepare_instruct(self, sources: Sequence[Source], prompt: str, **params: Any) -> Request:
        """Check an edit by instruction without sending it (for ``--dry-run``)."""
        return self.prepare(prompt, operation="instruct", images=list(sources), **params)

    def remix(self, source: Source, prompt: str, **kw: Any) -> Images:
        """A new image from ``prompt`` that keeps the look of ``source`` (``image_weight``)."""
        return self.operate("remix", source, prompt, **kw)

    def edit(self, source: Source, mask: Source, prompt: str, **kw: Any) -> Images:
        """Repaint the masked area (black = change) of ``source`` as ``prompt`` says."""
        return self.operate("edit", source, prompt, mask=mask, **kw)

    def upscale(self, source: Source, prompt: str = "", **kw: Any) -> Images:
        return self.operate("upscale", source, prompt, **kw)

    def reframe(self, source: Source, resolution: str, **kw: Any) -> Images:
        """Extend a square image to ``resolution``."""
        return self.operate("reframe", source, resolution=resolution, **kw)

    def replace_background(self, source: Source, prompt: str, **kw: Any) -> Images:
        return self.operate("replace-background", source, prompt, **kw)

    def generate_transparent(self, prompt: str, **kw: Any) -> Images:
        """RGBA PNGs from ``prompt`` (V_3); ``upscale_factor`` X1 (default), X2 or X4 sets the
        final size (the record's ``resolution`` is that final size)."""
        return self.generate(prompt, operation="generate-transparent", **kw)

    def remove_background(self, source: Source, **kw: Any) -> Images:
        """The subject of ``source`` on a transparent background (one image, no seed)."""
        return self.operate("remove-background", source, **kw)

    def layerize_text(self, source: Source, prompt: str = "", **kw: Any) -> Images:
        """``source`` without its text, stored as a child image whose ``descriptions`` keep the
        text as blocks (position, font, colour) — and searchable by those words."""
        return self.operate("layerize-text", source, prompt, **kw)
