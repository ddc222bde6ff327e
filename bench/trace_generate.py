"""Trace one ``generate`` through src/ideovault: which modules it enters, how often it crosses
from one module into another, and how often it comes back into a module it had left.

A "return to a room it left" is a call into module M while M is already on the call stack
below a different module (M -> N -> M). Only src/ideovault files count; stdlib, third-party
and fake frames pass unseen. Threads the call starts (downloads) are traced, each with its own
stack. An untraced warm-up call runs first so one-time imports do not blur it (``--cold``).
Works on ``vault.generate(prompt)`` and on ``vault.generations.generate(prompt)``; ``--cli``
traces ``ideovault generate`` in-process (``ideovault.cli.main``). Usage:
``python bench/trace_generate.py [--json] [--cli] [--cold] [--images N]``
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path
from types import FrameType
from typing import Any

import ideovault
from ideogram_fake import FakeConfig, FakeServer
from ideovault.config import load_settings
from ideovault.vault import Vault

KEY = "trace-key"
ROOT = Path(ideovault.__file__).resolve().parent


class Tracer:
    """A profile hook keeping, per thread, the stack of modules (None: not ideovault)."""

    def __init__(self) -> None:
        self.order: list[str] = []
        self.transitions = 0
        self.returns = 0
        self._names: dict[str, str | None] = {}
        self._stacks = threading.local()

    def _module(self, filename: str) -> str | None:
        if filename not in self._names:
            path = Path(filename).resolve()
            name = None
            if path.is_relative_to(ROOT) and path.suffix == ".py":
                parts = ("ideovault", *path.relative_to(ROOT).with_suffix("").parts)
                name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            self._names[filename] = name
        return self._names[filename]

    def hook(self, frame: FrameType, event: str, _arg: Any) -> None:
        stack: list[str | None] = self._stacks.__dict__.setdefault("stack", [])
        if event == "return":
            if stack:
                stack.pop()
            return
        if event != "call":
            return  # c_call / c_return / c_exception: no Python frame of ours
        module = self._module(frame.f_code.co_filename)
        if module is not None:
            current = next((m for m in reversed(stack) if m is not None), None)
            if module != current:
                self.transitions += 1
                if module in stack:
                    self.returns += 1
                if module not in self.order:
                    self.order.append(module)
        stack.append(module)

    @contextmanager
    def active(self) -> Iterator[None]:
        threading.setprofile(self.hook)
        sys.setprofile(self.hook)
        try:
            yield
        finally:
            sys.setprofile(None)
            threading.setprofile(None)


Call = Callable[[str], object]


def library_call(stack: ExitStack, base_url: str, home: Path, images: int) -> tuple[str, Call]:
    """``generate`` on an open vault, through whichever API this checkout offers."""
    settings = load_settings(home=home, env={}).with_overrides(api_key=KEY, base_url=base_url)
    vault: Any = stack.enter_context(Vault.open(settings=settings))  # either API, unchecked
    redesigned = hasattr(vault, "generations")
    owner = vault.generations if redesigned else vault
    name = f"vault.{'generations.' if redesigned else ''}generate"
    return name, lambda prompt: owner.generate(prompt, num_images=images, seed=1)


def cli_call(stack: ExitStack, base_url: str, home: Path, images: int) -> tuple[str, Call]:
    """``ideovault generate`` in-process, its output thrown away; a failure stops the trace."""
    from ideovault.cli import main

    os.environ.update(
        IDEOVAULT_HOME=str(home), IDEOGRAM_API_KEY=KEY, IDEOGRAM_BASE_URL=base_url,
        IDEOVAULT_DATABASE_URL=f"sqlite:///{home / 'catalog.db'}",
    )  # fmt: skip

    def run(prompt: str) -> None:
        sink = io.StringIO()
        with redirect_stdout(sink), redirect_stderr(sink):
            try:
                main(["generate", prompt, "-n", str(images), "--seed", "1"])
            except SystemExit as exc:
                if exc.code not in (0, None):
                    raise SystemExit(f"the CLI failed ({exc.code}): {sink.getvalue()}") from exc

    return "ideovault.cli.main(['generate', ...])", run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="one JSON object instead of text")
    parser.add_argument("--cli", action="store_true", help="trace `ideovault generate`")
    parser.add_argument("--cold", action="store_true", help="no untraced warm-up call")
    parser.add_argument("--images", type=int, default=2, help="num_images of the call")
    args = parser.parse_args()
    tracer = Tracer()
    with ExitStack() as stack:
        fake = stack.enter_context(FakeServer(FakeConfig(api_key=KEY)))
        home = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "home"
        home.mkdir()
        make = cli_call if args.cli else library_call
        api, call = make(stack, fake.base_url, home, args.images)
        if not args.cold:
            call("a lighthouse at dusk, warm-up")
        with tracer.active():
            call("a red fox in fresh snow, traced")
    result = {
        "call": api, "modules": tracer.order, "distinct_modules": len(tracer.order),
        "transitions": tracer.transitions, "returns_to_left_module": tracer.returns,
    }  # fmt: skip
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"traced: {api}  (one call, num_images={args.images}, warm={not args.cold})")
    print(f"modules entered, first-entry order ({len(tracer.order)}):")
    for i, name in enumerate(tracer.order, 1):
        print(f"  {i:3d}. {name}")
    print(f"module transitions (calls into a different ideovault module): {tracer.transitions}")
    print(f"returns to a module left earlier in the call chain: {tracer.returns}")


if __name__ == "__main__":
    main()
