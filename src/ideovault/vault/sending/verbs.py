"""The image operations as verbs: each is ``operate`` (or ``generate``) with its route named.

The local service (``vault.generations``) and the remote vault send a request differently but
name the operations alike; both take these verbs from :class:`OperationVerbs` and supply the two
ways of sending.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ideovault.catalog.records import ImageRecord
    from ideovault.vault.sending.options import SendOptions

Images = list["ImageRecord"]
Source = str | Path  # a vault id (or unique prefix), or a file of the caller's


class OperationVerbs(ABC):
    """remix, edit, upscale, reframe, replace_background, generate_transparent,
    remove_background and layerize_text, over :meth:`operate` and :meth:`generate`."""

    @abstractmethod
    def generate(
        self, prompt: str = "", *, options: SendOptions | None = None, **params: Any
    ) -> Images: ...

    @abstractmethod
    def operate(
        self,
        operation: str,
        source: Source,
        prompt: str = "",
        *,
        options: SendOptions | None = None,
        **params: Any,
    ) -> Images: ...

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
