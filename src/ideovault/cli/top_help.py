"""``ideovault --help`` (and ``ideovault`` alone) written without importing Typer.

Typer, and the pydantic it coerces parameters with, cost several times the interpreter's own
start-up; the top-level help needs none of them: it is the app's description, the three global
options and the command table of ``cli/commands.py``. This module lays them out exactly as
Click's help formatter does (usage, wrapped paragraphs, two-column definition lists, at the
terminal's width capped at 80), and tests/cli/test_startup.py checks that the text equals
Typer's own at every width Click can choose. Any other argument list goes through Typer.
"""

from __future__ import annotations

import sys
import textwrap

from ideovault.cli.commands import COMMANDS

APP_HELP = "Keep every image you generate with the Ideogram API: download at once, store, catalog."

# The global options as Typer shows them (their declarations are in cli/app.py).
OPTIONS: list[tuple[str, str]] = [
    ("--home <path>", "The vault's folder (default: $IDEOVAULT_HOME or the user data dir)."),
    ("--database-url <str>", "SQLAlchemy URL of the catalog ($IDEOVAULT_DATABASE_URL)."),
    ("--storage-url <str>", "Where blobs go ($IDEOVAULT_STORAGE_URL)."),
    ("--url <str>", "Use the vault of this `ideovault serve` server ($IDEOVAULT_URL)."),
    ("--key <str>", "Your personal key for --url ($IDEOVAULT_KEY; prefer the variable)."),
    ("--help", "Show this message and exit."),
]

USAGE = "[OPTIONS] COMMAND [ARGS]..."


class _Wrapper(textwrap.TextWrapper):
    """Click's wrapper: a word longer than the line is cut where the line ends."""

    def _handle_long_word(
        self, reversed_chunks: list[str], cur_line: list[str], cur_len: int, width: int
    ) -> None:
        space_left = max(width - cur_len, 1)
        last = reversed_chunks[-1]
        cur_line.append(last[:space_left])
        reversed_chunks[-1] = last[space_left:]


def _wrap(text: str, width: int, first: str = "", rest: str = "") -> str:
    wrapper = _Wrapper(width, initial_indent=first, subsequent_indent=rest)
    wrapper.replace_whitespace = False
    return wrapper.fill(text)


def _definitions(rows: list[tuple[str, str]], width: int, indent: int = 2) -> str:
    """Click's ``write_dl``: names in a column of at most 30, texts wrapped beside them."""
    first_col = min(max(len(name) for name, _ in rows), 30) + 2
    text_width = max(width - first_col - 2, 10)
    out = []
    for name, text in rows:
        line = " " * indent + name
        if len(name) <= first_col - 2:
            line += " " * (first_col - len(name))
        else:
            line += "\n" + " " * (first_col + indent)
        wrapped = _wrap(text, text_width).splitlines()
        out.append(line + (wrapped[0] if wrapped else "") + "\n")
        out.extend(" " * (first_col + indent) + more + "\n" for more in wrapped[1:])
    return "".join(out)


def short_help(text: str, limit: int) -> str:
    """Click's rule for a command's line in ``--help`` (its ``make_default_short_help``): the
    first sentence if it fits, else whole words and '...'."""
    words = text.split()
    total = 0
    for i, word in enumerate(words):
        total += len(word) + (i > 0)
        if total > limit:
            break
        if word.endswith("."):
            return " ".join(words[: i + 1])
        if total == limit and i != len(words) - 1:
            break
    else:
        return " ".join(words)
    total += 3
    while i > 0:
        total -= len(words[i]) + 1
        if total <= limit:
            break
        i -= 1
    return " ".join(words[:i]) + "..."


def command_rows(width: int) -> list[tuple[str, str]]:
    """The Commands section's rows, each help shortened as Click does at this width."""
    limit = width - 6 - max(len(name) for name in COMMANDS)
    return [(name, short_help(entry.help, limit)) for name, entry in COMMANDS.items()]


def render(width: int) -> str:
    """The top-level help at a formatter width (Click's: terminal columns, at most 80, - 2)."""
    prefix = "Usage: ideovault "
    return (
        _wrap(USAGE, width, prefix, " " * len(prefix))
        + "\n\n"
        + _wrap(APP_HELP, width, "  ", "  ")
        + "\n\nOptions:\n"
        + _definitions(OPTIONS, width)
        + "\nCommands:\n"
        + _definitions(command_rows(width), width)
    ).rstrip("\n")


def terminal_width() -> int:
    """The width Click's formatter picks: the terminal's (or $COLUMNS), capped at 80, - 2."""
    import shutil

    return max(min(shutil.get_terminal_size().columns, 80) - 2, 50)


def show(*, asked: bool) -> int:
    """Print the help: on stdout with exit 0 when asked (``--help``), on stderr with exit 2
    when no command was given, as Click does for a group with ``no_args_is_help``."""
    stream = sys.stdout if asked else sys.stderr
    stream.write(render(terminal_width()) + "\n")
    stream.flush()
    return 0 if asked else 2
