"""The nesting limit for every JSON and TOML document ideovault reads from a user.

Python's parsers recurse once per level, so a few hundred kilobytes of ``[[[[…`` end in a
RecursionError deep inside them; and data nested a thousand levels deep that did parse would
take the same error later, in whatever walks it. No document ideovault reads needs more than a
handful of levels (a 4.0 JSON prompt: about five), so anything deeper than
:data:`MAX_NESTING` is refused as a clear error instead: :func:`loads` for JSON text,
:func:`check` for a parsed document (TOML).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

MAX_NESTING = 64


class TooDeep(ValueError):
    """The document nests objects or arrays deeper than :data:`MAX_NESTING` levels."""

    def __init__(self) -> None:
        super().__init__(f"it is nested deeper than {MAX_NESTING} levels")


def depth(value: Any) -> int:
    """How deeply ``value`` nests (a scalar is 0, ``[]`` is 1), walked without recursion, so
    measuring a deep document cannot itself overflow the stack."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        children: Iterable[Any]
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children)
    return deepest


def check(value: Any) -> Any:
    """``value`` itself if no list or dict in it is nested deeper than the limit, else TooDeep."""
    if depth(value) > MAX_NESTING:
        raise TooDeep()
    return value


def loads(text: str | bytes) -> Any:
    """``json.loads`` that raises TooDeep (a ValueError) instead of recursing without end."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise TooDeep() from None
    return check(value)
