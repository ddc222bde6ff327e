"""The parameter diff of the compare view: what differs between 2-4 images, in words.

Prompts are compared word by word against the first image (the reference): the words each
other image adds and the ones it drops. Other parameters are shown side by side, marked when
they differ.
"""

from __future__ import annotations

import re
from typing import Any

from ideovault.vault import ImageRecord

_WORD = re.compile(r"\w[\w'-]*", re.UNICODE)
PARAMETERS = (
    ("Seed", "seed"), ("Model", "model"), ("Style", "style_type"), ("Aspect", "aspect_ratio"),
    ("Speed", "rendering_speed"), ("Magic prompt", "magic_prompt"), ("Size", "resolution"),
    ("Made by", "operation"), ("Rating", "rating"),
)  # fmt: skip


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text or "")]


def prompt_diff(reference: str, other: str) -> dict[str, list[str]]:
    """Words ``other`` adds to and drops from ``reference`` (each once, in order)."""
    ref, oth = _words(reference), _words(other)
    added = [w for w in dict.fromkeys(oth) if w not in set(ref)]
    removed = [w for w in dict.fromkeys(ref) if w not in set(oth)]
    return {"added": added, "removed": removed}


def compare(records: list[ImageRecord]) -> dict[str, Any]:
    """Rows of (label, values, differ) and the prompt diff of each image against the first."""
    rows = []
    for label, name in PARAMETERS:
        values = [getattr(r, name) for r in records]
        shown = ["—" if v is None else str(v) for v in values]
        rows.append({"label": label, "values": shown, "differ": len(set(shown)) > 1})
    diffs = [prompt_diff(records[0].prompt, r.prompt) for r in records]
    return {"rows": rows, "diffs": diffs}
