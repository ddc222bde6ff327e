"""How the CLI talks: JSON only on stdout under ``--json``, Rich tables for people, messages on
stderr. Kept in one place so every command follows the same contract (docs/architecture.md)."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from ideovault.api.text import CONTROL_RE

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from ideovault.catalog.records import ImageRecord

# Stored text is checked on the way in (api.text), but file names, older catalogs and server
# messages are not, so what a terminal may act on never reaches it raw: shown as \x1b, \u2028.
# The same characters that JSON may leave unescaped (json escapes C0 itself, not DEL and above).
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029]")


def visible(text: str) -> str:
    """``text`` with every character a terminal could act on written as an escape."""
    return CONTROL_RE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def _safe_console(*, stderr: bool) -> Console:
    """A console that shows control characters in the text it is given instead of sending them:
    every str printed, table cells included, passes ``render_str`` (Rich's own styling, added
    later as escape sequences, is untouched). Made inside a function so Rich loads on use."""
    from rich.console import Console
    from rich.text import Text

    class SafeConsole(Console):
        def render_str(self, text: str, **kwargs: Any) -> Text:
            return super().render_str(visible(text), **kwargs)

    return SafeConsole(stderr=stderr, highlight=False)


class _ConsoleOnUse:
    """A Rich console made on first use: Rich costs start-up time that ``--help``, ``--json``
    and every command that prints nothing need not pay."""

    def __init__(self, *, stderr: bool) -> None:
        self._stderr = stderr
        self._console: Console | None = None

    def _made(self) -> Console:
        if self._console is None:
            console = _safe_console(stderr=self._stderr)
            if not self._stderr and not console.is_terminal and "COLUMNS" not in os.environ:
                console.width = 200  # piped or captured: keep every column readable, not 80
            self._console = console
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self._made(), name)


err = cast("Console", _ConsoleOnUse(stderr=True))
out = cast("Console", _ConsoleOnUse(stderr=False))


def dumps(data: Any, indent: int | None = None) -> str:
    """JSON for stdout: still UTF-8, but with C1 controls and line separators escaped (\\u0085),
    which JSON allows and terminals cannot misread."""
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def print_json(data: Any) -> None:
    sys.stdout.write(dumps(data, indent=2) + "\n")
    sys.stdout.flush()


def say(message: str) -> None:
    """A line for people, on stderr, with user text escaped (no Rich markup injection)."""
    err.print(message)


def human_size(n: int | None) -> str:
    if n is None:
        return "-"
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"


def short(text: str | None, width: int) -> str:
    if not text:
        return ""
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= width else one_line[: width - 1] + "…"


STATUS_STYLE = {
    "stored": "green",
    "pending": "yellow",
    "expired": "red",
    "failed": "red",
    "unsafe": "magenta",
}


def images_table(records: Iterable[ImageRecord], title: str | None = None) -> Table:
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=title, show_lines=False, header_style="bold")
    table.add_column("id", no_wrap=True, min_width=36)
    table.add_column("status", no_wrap=True)
    table.add_column("model", no_wrap=True)
    table.add_column("seed", justify="right", no_wrap=True)
    table.add_column("size", no_wrap=True)
    table.add_column("bytes", justify="right", no_wrap=True)
    table.add_column("prompt", overflow="fold", ratio=2, min_width=16)
    table.add_column("stored at", overflow="fold", ratio=3, min_width=24)
    for r in records:
        style = STATUS_STYLE.get(r.status.value, "")
        where = r.local_path or r.stored_uri or r.error or ""
        if r.status.value == "unsafe":
            where = "withheld by Ideogram's safety check (still billed)"
        table.add_row(
            r.id,
            f"[{style}]{r.status.value}[/]" if style else r.status.value,
            r.model,
            "" if r.seed is None else str(r.seed),
            f"{r.width}x{r.height}" if r.width else (r.resolution or ""),
            human_size(r.size_bytes),
            escape(short(r.prompt, 60)),
            escape(where),
        )
    return table


def record_details(record: ImageRecord) -> Table:
    from rich.markup import escape
    from rich.table import Table

    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column("field", style="bold", no_wrap=True)
    table.add_column("value", overflow="fold")
    for key, value in record.to_json().items():
        if value is None or value == [] or value == "":
            continue
        shown = ", ".join(value) if isinstance(value, list) else str(value)
        table.add_row(key, escape(shown))
    return table
