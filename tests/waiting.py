"""Wait for something to happen by polling for it, never for a fixed time.

A test that sleeps a fixed time passes only on a machine fast enough; one that polls a
condition with a generous deadline passes on any machine and is quick on a fast one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_for(check: Callable[[], T], *, timeout: float = 60.0, interval: float = 0.02,
             what: str = "the condition") -> T:  # fmt: skip
    """Call ``check`` until it returns something truthy, and return that; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout} s")
        time.sleep(interval)
