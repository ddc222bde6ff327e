"""Tag names: normalised (trimmed, lower-case, inner spaces folded to '-') and validated."""

from __future__ import annotations

from collections.abc import Iterable

from ideovault.api.text import has_control
from ideovault.errors import UserError

MAX_TAG_CHARS = 64


def normalize_tag(raw: str) -> str:
    tag = "-".join(raw.strip().lower().split())
    if not tag:
        raise UserError("a tag cannot be empty")
    try:
        tag.encode("utf-8")
    except UnicodeEncodeError:
        raise UserError("a tag is not valid UTF-8") from None
    if has_control(tag) or "," in tag:
        raise UserError(f"tag {tag[:40]!r} contains control characters or a comma")
    if len(tag) > MAX_TAG_CHARS:
        raise UserError(f"tag {tag[:40]!r}… is longer than {MAX_TAG_CHARS} characters")
    return tag


def normalize_tags(raw: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(normalize_tag(t) for t in raw))
