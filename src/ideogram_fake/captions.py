"""The texts the fake makes up: Magic Prompt expansions, V4 JSON captions, /describe answers.

All of them are chosen by hashing their input, never at random: a rerun of a test, or the same
request to another fake, gets the same words, so tests can compare answers across calls.
Kept apart from ``answers`` so that validators can compute a caption without importing the
response builders (which import the validators).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

MAGIC_SUFFIXES = (
    "cinematic lighting, rich detail, shallow depth of field",
    "soft pastel palette, clean composition, studio quality",
    "dramatic contrast, vivid colours, award-winning photograph",
    "minimal flat design, bold typography, balanced layout",
    "golden hour glow, painterly texture, wide establishing shot",
    "crisp vector shapes, limited palette, poster composition",
)
MAGIC_AUTO_MAX_WORDS = 12  # AUTO expands prompts shorter than this

SUBJECTS = (
    "a lighthouse on a rocky coast",
    "a red fox in fresh snow",
    "a bowl of ripe oranges on a wooden table",
    "a neon-lit street after rain",
    "a vintage travel poster of a mountain town",
    "a cat asleep on a windowsill",
    "an astronaut floating above the clouds",
    "a hand-lettered sign reading OPEN",
)
STYLES = (
    ("photograph", "natural daylight", "warm and calm"),
    ("digital illustration", "flat even light", "bold and graphic"),
    ("oil painting", "golden hour", "soft and nostalgic"),
    ("3D render", "studio softbox", "clean and glossy"),
)
BACKGROUNDS = (
    "a soft gradient sky",
    "a plain studio backdrop",
    "a blurred city skyline",
    "rolling green hills",
)


def _pick(text: str | bytes, choices: Sequence[str], salt: str = "") -> str:
    data = text.encode() if isinstance(text, str) else text
    digest = hashlib.sha256(salt.encode() + data).digest()
    return choices[int.from_bytes(digest[:4]) % len(choices)]


def expand(prompt: str, magic: str | None) -> str:
    """Magic Prompt: ON always expands, AUTO (or omitted) only short prompts, OFF never.

    The added phrase is chosen by hashing the prompt, so a rerun gives the same text.
    """
    if magic == "OFF" or (magic != "ON" and len(prompt.split()) >= MAGIC_AUTO_MAX_WORDS):
        return prompt
    return f"{prompt}, {_pick(prompt, MAGIC_SUFFIXES)}"


def v4_caption(text_prompt: str) -> str:
    """What V4 reports as the prompt used for a ``text_prompt``: a long JSON caption (§6.1, §13).

    Shaped like a V4JsonPrompt (§6.2), compact JSON text, so a client that stores it verbatim
    and one that parses it both have something realistic to chew on.
    """
    medium, lighting, mood = STYLES[hashlib.sha256(text_prompt.encode()).digest()[0] % len(STYLES)]
    subject = text_prompt.strip()
    caption = {
        "high_level_description": f"{subject}, {_pick(text_prompt, MAGIC_SUFFIXES)}.",
        "style_description": {
            "aesthetics": mood,
            "art_style": medium,
            "lighting": lighting,
            "medium": medium,
        },
        "compositional_deconstruction": {
            "background": _pick(text_prompt, BACKGROUNDS, "bg"),
            "elements": [{"type": "obj", "desc": subject, "bbox": [150, 150, 850, 850]}],
        },
    }
    return json.dumps(caption, separators=(",", ":"), ensure_ascii=False)


def describe_text(data: bytes, width: int, height: int, kind: str, version: str) -> str:
    """A /describe answer that depends only on the image bytes (and the model version asked).

    It names the size and format, which lets a test check the fake really read the upload.
    """
    subject = _pick(data, SUBJECTS, "subject")
    medium, lighting, _mood = STYLES[hashlib.sha256(data).digest()[0] % len(STYLES)]
    text = f"A {medium} of {subject}, lit by {lighting} ({width}x{height} {kind})."
    if version == "V_4":
        text += f" The background shows {_pick(data, BACKGROUNDS, 'bg')}."
    return text


def v4_describe(
    data: bytes, width: int, height: int, kind: str, *, bbox: bool, style: bool, tags: bool
) -> dict[str, object]:
    """4.0 describe (§6.3): the image as a JSON prompt, from its bytes alone.

    ``bbox`` (default on) adds element boxes, ``style`` a style block, ``tags`` a tag list —
    each switch visibly changes the answer, so a test can tell the client sent it.
    """
    subject = _pick(data, SUBJECTS, "subject")
    medium, lighting, mood = STYLES[hashlib.sha256(data).digest()[0] % len(STYLES)]
    element: dict[str, object] = {"type": "obj", "desc": subject}
    if bbox:
        element["bbox"] = [120, 100, 880, 900]
    prompt: dict[str, object] = {
        "high_level_description": f"A {medium} of {subject} ({width}x{height} {kind}).",
        "compositional_deconstruction": {
            "background": _pick(data, BACKGROUNDS, "bg"),
            "elements": [element],
        },
    }
    if style:
        prompt["style_description"] = {
            "aesthetics": mood, "art_style": medium, "lighting": lighting, "medium": medium,
        }  # fmt: skip
    if tags:
        prompt["tags"] = sorted({medium, mood.split()[0], subject.split()[-1]})
    return prompt


def v4_magic_prompt(text_prompt: str, aspect_ratio: str) -> dict[str, object]:
    """4.0 magic-prompt (§6.3): the caption V4 would use, with its keys in another order than
    the documented one (the real answer's order is not promised) and the ratio it settled on."""
    caption = json.loads(v4_caption(text_prompt))
    reordered = {key: caption[key] for key in reversed(list(caption))}
    if aspect_ratio == "AUTO":
        aspect_ratio = _pick(text_prompt, ("1x1", "16x9", "9x16", "4x3", "3x4"), "ratio")
    return {"json_prompt": reordered, "aspect_ratio": aspect_ratio}
