"""The command line: ``ideovault COMMAND``. Exit codes: 0 ok, 1 failed, 2 bad usage or input."""

from __future__ import annotations

import os
import sys
from typing import Any

from ideovault.cli.output import err
from ideovault.errors import IdeovaultError, UserError

__all__ = ["command_line", "main"]


def command_line() -> Any:
    """The Typer app (``cli/app.py``), imported when a command runs: the top-level help is
    written without it (``cli/top_help.py``), and each command's module loads on use
    (``cli/commands.py``). Tests may replace this with a prebuilt Click command."""
    from ideovault.cli.app import app

    return app


def _check_utf8(args: list[str]) -> None:
    """Arguments that were not valid UTF-8 reach Python as lone surrogates; refuse them here."""
    for position, arg in enumerate(args, start=1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            raise UserError(
                f"argument {position} is not valid UTF-8; check your terminal's encoding"
            ) from None


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def _log_level() -> str:
    level = os.environ.get("IDEOVAULT_LOG_LEVEL", "").strip().upper() or "WARNING"
    if level not in LOG_LEVELS:
        raise UserError(
            f"IDEOVAULT_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {level[:40]!r}"
        )
    return level


def _environment_failure(exc: Exception) -> str | None:
    """A failure of the machine rather than of ideovault (a full or read-only disk, a catalog
    that cannot be written): what to tell the user, or None if it is a bug.

    The commands that hold an API answer handle these themselves and never lose it; this is
    the last net for everything else, so a full disk is never called a bug.
    """
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        return f"the disk refused: {exc.strerror or exc}{where}; free space or fix permissions"
    import sqlalchemy.exc  # already loaded if the catalog raised

    if isinstance(exc, sqlalchemy.exc.DBAPIError):
        reason = " ".join(str(exc.orig).split())[:300]
        return (
            f"the catalog could not be read or written ({reason}); if a disk is full, free "
            "space, then run `ideovault recover`"
        )
    return None


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; user errors become a message and an exit code, never a traceback."""
    args = sys.argv[1:] if argv is None else argv
    try:
        level = _log_level()
        _check_utf8(args)
        if args in ([], ["--help"]):
            from ideovault.cli.top_help import show

            code = show(asked=bool(args))
        else:
            import logging

            logging.basicConfig(level=level)
            # Typer (standalone mode) prints usage errors itself and exits 2; our own errors
            # propagate out of it and are turned into a message here.
            command_line()(args=args, prog_name="ideovault")
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
        if (reason := _environment_failure(exc)) is not None:
            err.print("[bold red]error:[/] ", end="")
            err.print(reason, markup=False, highlight=False)
            sys.exit(1)
        err.print(f"internal error: {type(exc).__name__}: ", end="", markup=False)
        err.print(str(exc), markup=False)
        err.print("this is a bug in ideovault; rerun with IDEOVAULT_DEBUG=1 for details")
        code = 1
    sys.exit(code if isinstance(code, int) else 0)
