"""The operations on an existing image — remix, edit, upscale, reframe, replace-background,
describe, remove-background, layerize-text, instruct — and generate-transparent, plus lineage
and reproduction, as a mixin of :class:`ideovault.vault.core.Vault`.

Every image operation is a request like generate (``GenerateParams`` with an ``operation``),
sent by ``Vault.send``: the same validation, dedupe, budget, recording and downloads.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ideovault.catalog.records import ImageRecord

if TYPE_CHECKING:
    from ideovault.api.params import GenerateParams
    from ideovault.api.uploads import Upload
    from ideovault.vault.core import Vault
    from ideovault.vault.describe import Described, V4Options
    from ideovault.vault.events import EventSink
    from ideovault.vault.lineage import Lineage
    from ideovault.vault.reproduce import Reproduction
    from ideovault.vault.spending import Quote

Images = list[ImageRecord]
Source = str | Path


class EditingOps:
    def _vault(self) -> Vault:
        raise NotImplementedError

    def operate(
        self,
        operation: str,
        source: Source,
        prompt: str = "",
        *,
        tags: Iterable[str] = (),
        on_event: EventSink | None = None,
        dedupe: str | None = None,
        force: bool = False,
        max_usd: float | None = None,
        **params: Any,
    ) -> Images:
        """Run one image operation on ``source`` (a vault id or a file path)."""
        vault = self._vault()
        request = self.prepare_operation(operation, source, prompt, **params)
        return vault.send(
            request, tags=tags, on_event=on_event, dedupe=dedupe, force=force, max_usd=max_usd
        )

    def prepare_operation(
        self, operation: str, source: Source, prompt: str = "", **params: Any
    ) -> GenerateParams:
        """Validate an operation without sending it (for ``--dry-run`` and quotes)."""
        return self._vault().prepare(prompt, operation=operation, image=source, **params)

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
        return self._vault().generate(prompt, operation="generate-transparent", **kw)

    def remove_background(self, source: Source, **kw: Any) -> Images:
        """The subject of ``source`` on a transparent background (one image, no seed)."""
        return self.operate("remove-background", source, **kw)

    def layerize_text(self, source: Source, prompt: str = "", **kw: Any) -> Images:
        """``source`` without its text, stored as a child image whose ``descriptions`` keep the
        text as blocks (position, font, colour) — and searchable by those words."""
        return self.operate("layerize-text", source, prompt, **kw)

    def instruct(
        self,
        sources: Sequence[Source],
        prompt: str,
        *,
        tags: Iterable[str] = (),
        on_event: EventSink | None = None,
        dedupe: str | None = None,
        force: bool = False,
        max_usd: float | None = None,
        **params: Any,
    ) -> Images:
        """Edit by instruction (``/v1/edit``): ``prompt`` says what to change in up to 10
        input images (ids or files); the first is the parent of the outputs."""
        request = self.prepare_instruct(sources, prompt, **params)
        return self._vault().send(
            request, tags=tags, on_event=on_event, dedupe=dedupe, force=force, max_usd=max_usd
        )

    def prepare_instruct(
        self, sources: Sequence[Source], prompt: str, **params: Any
    ) -> GenerateParams:
        """Validate an edit by instruction without sending it (for ``--dry-run``)."""
        return self._vault().prepare(prompt, operation="instruct", images=list(sources), **params)

    def describe(
        self,
        source: Source | Upload,
        *,
        model_version: str | None = None,
        max_usd: float | None = None,
        v4: V4Options | None = None,
    ) -> Described:
        """Ask the API to describe an image; the texts are kept on the image's record.

        With ``v4`` (a :class:`~ideovault.vault.describe.V4Options`), 4.0's describe answers
        with a JSON prompt, kept whole on the record and returned in ``json_prompt``."""
        from ideovault.vault.describe import describe

        return describe(self._vault(), source, model_version, max_usd, v4)

    def magic_prompt(self, text: str, aspect_ratio: str | None = None) -> dict[str, Any]:
        """4.0's magic-prompt: ``{"json_prompt", "aspect_ratio"}`` for a text prompt, to edit
        and send back with ``generate(json_prompt=...)``. Nothing is stored."""
        from ideovault.vault.prompts import magic_prompt

        return magic_prompt(self._vault(), text, aspect_ratio)

    def lineage(self, image_id: str) -> Lineage:
        """Where an image came from (ancestors) and what was made from it (descendants)."""
        from ideovault.vault.lineage import lineage

        return lineage(self._vault(), image_id)

    def reproduce(
        self,
        image_id: str,
        *,
        force: bool = False,
        on_event: EventSink | None = None,
        max_usd: float | None = None,
    ) -> Reproduction:
        """Send the request that made an image again, with its seed; compare the bytes.
        ``max_usd`` refuses it, before any call, if the estimate is higher."""
        from ideovault.vault.reproduce import reproduce

        return reproduce(self._vault(), image_id, force=force, on_event=on_event, max_usd=max_usd)

    def reproduce_quote(self, image_id: str, *, force: bool = False) -> Quote:
        """What reproducing would cost ($0 when the vault answers it), budget-checked."""
        from ideovault.vault.reproduce import reproduce_quote

        return reproduce_quote(self._vault(), image_id, force=force)
