"""Batch files: JSON Lines or CSV, one request per row, read as a stream and checked row by row.

Why it looks like this:

* Every row goes through the same validation as ``ideovault generate`` (``GenerateParams``), so
  a batch can never send what a single request would have refused — and all of it happens
  before anything is sent.
* Errors carry the physical line number a text editor shows (CRLF or LF, a UTF-8 BOM, CSV
  cells spanning lines), and say what to change ("unknown field 'promt' — did you mean
  'prompt'?"), so a 10,000-row file is fixed in one pass instead of one error per run.
* The file is read line by line with a cap on line length, never whole: a 100k-row file costs
  memory for one row, and a 2 GB file with no newline costs one megabyte.
* Bytes that are not UTF-8 are kept as surrogate escapes and refused by the field checks, so
  the error names the line and the field instead of failing the whole file.
"""

from __future__ import annotations

import csv
import difflib
import json
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ideovault import nesting
from ideovault.api.params import GenerateParams, parse_params
from ideovault.errors import UserError
from ideovault.vault.tags import normalize_tags

MAX_LINE_BYTES = 1024 * 1024
MAX_REPEAT = 1000
STRING_FIELDS = (
    "prompt", "model", "style_type", "aspect_ratio", "resolution", "negative_prompt",
    "magic_prompt", "rendering_speed",
)  # fmt: skip
INT_FIELDS = ("seed", "num_images", "repeat")
FIELDS = (*STRING_FIELDS, *INT_FIELDS, "color_palette", "style_codes", "tags")
# The CLI's option names work as column names too.
ALIASES = {
    "style": "style_type", "aspect": "aspect_ratio", "negative": "negative_prompt",
    "speed": "rendering_speed", "palette": "color_palette", "n": "num_images",
    "style_code": "style_codes", "tag": "tags", "count": "repeat",
}  # fmt: skip
_SPLIT = re.compile(r"[,;]")
_SPLIT_CODES = re.compile(r"[,;\s]+")


@dataclass(frozen=True)
class Row:
    """One valid row: a request to send ``repeat`` times, with its tags."""

    line_no: int
    params: GenerateParams
    tags: tuple[str, ...]
    repeat: int


@dataclass(frozen=True)
class RowError:
    line_no: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line_no}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {"line": self.line_no, "message": self.message}


def detect_format(path: Path, first: bytes) -> str:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix in (".csv", ".txt"):
        return "csv"
    return "jsonl" if first.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") else "csv"


def read_rows(path: str | Path, fmt: str | None = None) -> Iterator[Row | RowError]:
    """Every row of the file, valid or not, in file order. File-level problems (missing,
    unreadable, UTF-16, no CSV header) raise :class:`UserError` at once."""
    path = Path(path)
    fh, kind = open_batch_file(path, fmt)
    with fh:
        lines = _lines(fh)
        yield from (_jsonl(lines) if kind == "jsonl" else _csv(lines, path))


def open_batch_file(path: Path, fmt: str | None = None) -> tuple[IO[bytes], str]:
    """The file, open, and its format: the file-level checks every reader of a batch file
    makes (a bad ``--format``, a folder or device, UTF-16), here or on a server's client."""
    if fmt is not None and fmt not in ("jsonl", "csv"):
        raise UserError(f"--format must be jsonl or csv, not {fmt!r}")
    fh = _open(path)
    first = fh.peek(4)[:4] if hasattr(fh, "peek") else b""
    if first[:2] in (b"\xff\xfe", b"\xfe\xff"):
        fh.close()
        raise UserError(f"{path} is UTF-16 encoded; save it as UTF-8 and try again")
    return fh, fmt or detect_format(path, first)


def _open(path: Path) -> IO[bytes]:
    """Open a batch file without blocking: a FIFO (or ``<(command)``) is read as it comes and
    ends when its writer closes — one nobody writes to is empty, not a hang — and devices and
    sockets, which never end, are refused."""
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise UserError(f"{path} is a folder; give a .jsonl or .csv file")
        if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
            raise UserError(f"{path} is a device or socket, not a file; give a .jsonl or .csv file")
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        os.set_blocking(fd, True)
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from None
    return os.fdopen(fd, "rb")


def _lines(fh: IO[bytes]) -> Iterator[tuple[int, str | None]]:
    """(line number, text with its line ending) — or None for a line over the length cap."""
    line_no = 0
    while True:
        raw = fh.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        line_no += 1
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while (rest := fh.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                pass  # skip the rest of the over-long line without holding it
            yield line_no, None
            continue
        if line_no == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        yield line_no, raw.decode("utf-8", "surrogateescape")


TOO_LONG = f"the line is longer than {MAX_LINE_BYTES // 1024} KB"


def _jsonl(lines: Iterator[tuple[int, str | None]]) -> Iterator[Row | RowError]:
    for line_no, text in lines:
        if text is None:
            yield RowError(line_no, TOO_LONG)
            continue
        if not text.strip():
            continue
        try:
            value = nesting.loads(text)
        except nesting.TooDeep as exc:
            yield RowError(line_no, f"not accepted: {exc}")
            continue
        except ValueError as exc:
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
            column = f" at column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
            yield RowError(line_no, f"not valid JSON ({reason}{column})")
            continue
        if not isinstance(value, dict):
            yield RowError(line_no, f"each line must be a JSON object, not {_kind(value)}")
            continue
        yield _row(line_no, value, from_text=False)


def _csv(lines: Iterator[tuple[int, str | None]], path: Path) -> Iterator[Row | RowError]:
    state = {"line": 0, "long": False}

    def texts() -> Iterator[str]:
        for line_no, text in lines:
            state["line"] = line_no
            if text is None:
                state["long"] = True
                yield "\n"
            else:
                yield text

    reader = csv.reader(texts(), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise UserError(f"{path}: line 1: the CSV header cannot be read ({exc})") from None
    if not header or not any(h.strip() for h in header):
        raise UserError(f"{path} is empty: the first line must name the columns (prompt, …)")
    columns = [_field_name(h) for h in header]
    problems = [str(e) for c, h in zip(columns, header, strict=True) if (e := _unknown(c, h))]
    duplicates = sorted({c for c in columns if columns.count(c) > 1})
    if duplicates:
        problems.append(f"columns named twice: {', '.join(duplicates)}")
    if problems:
        raise UserError(f"{path}: line 1 (the header): " + "; ".join(problems))
    start = state["line"] + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield RowError(start, f"not valid CSV ({exc})")
            return  # the reader cannot find its way back into a broken quoted field
        line_no, start = start, state["line"] + 1
        if state["long"]:
            state["long"] = False
            yield RowError(line_no, TOO_LONG)
            continue
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(columns):
            yield RowError(line_no, f"{len(cells)} cells but only {len(columns)} columns")
            continue
        values = {c: v for c, v in zip(columns, cells, strict=False) if v.strip()}
        yield _row(line_no, values, from_text=True)


def _field_name(raw: str) -> str:
    name = "_".join(raw.strip().lower().replace("-", " ").split())
    return ALIASES.get(name, name)


def _unknown(name: str, raw: str) -> str | None:
    if name in FIELDS:
        return None
    shown = raw.strip()[:40].encode("utf-8", "backslashreplace").decode("utf-8")
    close = difflib.get_close_matches(name, [*FIELDS, *ALIASES], n=1)
    hint = f" — did you mean {close[0]!r}?" if close else f"; known: {', '.join(FIELDS)}"
    return f"unknown field {shown!r}{hint}"


def _kind(value: Any) -> str:
    names = {list: "a list", str: "a string", bool: "true/false", type(None): "null"}
    return names.get(type(value), "a number" if isinstance(value, int | float) else "an object")


def _row(line_no: int, raw: dict[str, Any], *, from_text: bool) -> Row | RowError:
    values: dict[str, Any] = {}
    problems: list[str] = []
    for key, value in raw.items():
        name = _field_name(str(key)) if from_text else ALIASES.get(str(key), str(key))
        if (unknown := _unknown(name, str(key))) is not None:
            problems.append(unknown)
        elif value is not None:
            try:
                values[name] = _convert(name, value, from_text)
            except ValueError as exc:
                problems.append(f"{name}: {exc}")
    if problems:
        return RowError(line_no, "; ".join(problems))
    repeat = values.pop("repeat", 1)
    if not 1 <= repeat <= MAX_REPEAT:
        return RowError(line_no, f"repeat: must be between 1 and {MAX_REPEAT}, not {repeat}")
    raw_tags = values.pop("tags", ())
    if "prompt" not in values:
        return RowError(line_no, "prompt: missing (every row needs a prompt)")
    try:
        params = parse_params(**values)
        tags = normalize_tags(raw_tags)
    except UserError as exc:
        return RowError(line_no, str(exc).removeprefix("invalid request: "))
    return Row(line_no, params, tags, repeat)


def _utf8(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("is not valid UTF-8 (save the file as UTF-8)") from None
    return value


def _convert(name: str, value: Any, from_text: bool) -> Any:
    """Check a field's type (JSON) or read it from its text (CSV); ValueError says why."""
    if name in STRING_FIELDS:
        if not isinstance(value, str):
            raise ValueError(f"must be text, not {_kind(value)}")
        # a line break inside a quoted CSV cell comes with the file's own line ending
        return _utf8(value.replace("\r\n", "\n") if from_text else value)
    if name in INT_FIELDS:
        if from_text and isinstance(value, str):
            try:
                return int(value.strip())
            except ValueError:
                raise ValueError(f"must be a whole number, not {value.strip()[:30]!r}") from None
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"must be a whole number, not {_kind(value)}")
        return value
    if name in ("tags", "style_codes"):
        if isinstance(value, str):
            splitter = _SPLIT if name == "tags" else _SPLIT_CODES
            value = [part for part in splitter.split(value) if part.strip()]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"must be a list of text, not {_kind(value)}")
        return [_utf8(v) for v in value]
    # color_palette: a preset name, or an object ({"name": …} or {"members": […]})
    if isinstance(value, str):
        if from_text and value.strip().startswith("{"):
            try:
                value = nesting.loads(value)
            except ValueError:
                raise ValueError("is neither a preset name nor a JSON object") from None
        else:
            return {"name": value.strip()}
    if not isinstance(value, dict):
        raise ValueError(f"must be a preset name or an object, not {_kind(value)}")
    return value
