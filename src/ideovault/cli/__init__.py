"""The command line: ``ideovault COMMAND``. Exit codes: 0 ok, 1 failed, 2 bad usage or input."""

from __future__ import annotations

import logging
import os
import sys

from ideovault.cli import (  # noqa: F401  (register commands)
    batch,
    cleanup,
    demo,
    editing,
    editing_more,
    generate,
    lifecycle,
    lineage,
    people,
    portability,
    records,
    recover,
    report,
    search,
    serve,
    similar,
    storage,
    v4,
    worker,
)
from ideovault.cli.app import app
from ideovault.cli.output import err
from ideovault.errors import IdeovaultError, UserError

__all__ = ["app", "main"]


def _check_utf8(args: list[str]) -> None:
    """Arguments that were not valid UTF-8 reach Python as lone surrogates; refuse them here."""
    for position, arg in enumerate(args, start=1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            raise UserError(
                f"argument {position} is not valid UTF-8; check your terminal's encoding"
            ) from None


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; user errors become a message and an exit code, never a traceback."""
    logging.basicConfig(level=os.environ.get("IDEOVAULT_LOG_LEVEL", "WARNING").upper())
    args = sys.argv[1:] if argv is None else argv
    try:
        _check_utf8(args)
        # Typer (standalone mode) prints usage errors itself and exits 2; our own errors
        # propagate out of it and are turned into a message here.
        app(args=args, prog_name="ideovault")
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except IdeovaultError as exc:
        err.print("[bold red]error:[/] ", end="")
        err.print(str(exc), markup=False, highlight=False)
        code = exc.exit_code
    except KeyboardInterrupt:
        err.print("interrupted")
        code = 130
    except Exception as exc:  # a bug: say so plainly, keep the traceback for IDEOVAULT_DEBUG
        if os.environ.get("IDEOVAULT_DEBUG"):
            raise
        err.print(f"internal error: {type(exc).__name__}: ", end="", markup=False)
        err.print(str(exc), markup=False)
        err.print("this is a bug in ideovault; rerun with IDEOVAULT_DEBUG=1 for details")
        code = 1
    sys.exit(code if isinstance(code, int) else 0)
