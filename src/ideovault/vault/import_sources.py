"""Where `import` finds records and files: the seed's ``generations.json``, or a folder.

Every path is checked for its kind (``lstat``, links not followed) before it is opened, so a
FIFO cannot block the import, a symlink cannot lead it out of the folder, and a device is never
read; each such path is reported as a skip with why, never passed over in silence.

The seed's format (``generateAndPersist`` in the seed document) is a JSON array of records in
camelCase; the image file is named by ``storedPath``, written by the machine that made it:
``join("./generated-images", name)`` (relative to that process's folder), or an absolute path
if its storage folder was absolute, or an ``s3://`` URL. So the file is looked for at
``storedPath`` if that lies inside the folder of ``generations.json``, and else by its file name
beside ``generations.json`` — where the seed kept its images. Anything outside that folder is
never read. An object store is not fetched from (see the README): such a record is skipped
with what to do, unless its file lies beside the JSON.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import urlparse

from ideovault import nesting
from ideovault.errors import UserError

MAX_JSON_BYTES = 512 * 1024 * 1024
MAX_SIDECAR_BYTES = 16 * 1024 * 1024
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp"}

_EXPORT_FILES = {"manifest.jsonl", "manifest.csv"}  # written by `export` beside the images


@dataclass
class Entry:
    """One record to import: where it came from, its fields, and its file (or why there is
    none usable — then ``problem`` is set and nothing is read)."""

    label: str
    fields: dict[str, Any] = field(default_factory=dict)
    file: Path | None = None
    problem: str | None = None
    sidecar: bool = False  # the fields came from an ideovault sidecar (else the seed's JSON)


def path_problem(path: Path) -> str | None:
    """Why ``path`` cannot be read as a regular file (None: it can). Links are not followed."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return "does not exist"
    except OSError as exc:
        return f"cannot be examined ({exc.strerror or exc})"
    if stat.S_ISLNK(mode):
        return "is a symbolic link; links are not followed (import the file it points to)"
    if stat.S_ISDIR(mode):
        return "is a folder"
    if stat.S_ISFIFO(mode):
        return "is a FIFO (named pipe), not a file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a file"
    if not stat.S_ISREG(mode):
        return "is not a regular file"
    if not os.access(path, os.R_OK):
        return "cannot be read (permission denied)"
    return None


def open_regular(path: Path) -> int:
    """A descriptor for reading ``path``, refusing anything that became a non-file since it was
    checked (no link followed, no blocking open of a FIFO)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(errno.EINVAL, "not a regular file")
    os.set_blocking(fd, True)
    return fd


def load_json(data: bytes, what: str) -> Any:
    """Parse JSON that came from a file; too deep (``ideovault.nesting``), not UTF-8 or not JSON
    is a ValueError that names ``what``."""
    try:
        return nesting.loads(data)
    except nesting.TooDeep:
        raise ValueError(f"{what} nests deeper than {nesting.MAX_NESTING} levels") from None
    except UnicodeDecodeError:
        raise ValueError(f"{what} is not valid JSON (not UTF-8 text)") from None
    except ValueError as exc:
        raise ValueError(f"{what} is not valid JSON ({exc})") from None


def _read_small(path: Path, limit: int) -> bytes:
    fd = open_regular(path)
    with os.fdopen(fd, "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"{path.name} is larger than {limit // 2**20} MB")
    return data


def camel_to_snake(data: dict[str, Any]) -> dict[str, Any]:
    """``expandedPrompt`` → ``expanded_prompt``; snake_case keys stay as they are."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = "".join(f"_{c.lower()}" if c.isupper() else c for c in str(key)).lstrip("_")
        out.setdefault(name, value)
    return out


# -- the seed's generations.json ------------------------------------------------------------


def seed_entries(path: Path) -> Iterator[Entry]:
    """The records of a generations.json, each with its file found (or why not)."""
    if (problem := path_problem(path)) is not None:
        raise UserError(f"{path} {problem}; nothing was imported")
    if path.stat().st_size > MAX_JSON_BYTES:
        raise UserError(
            f"{path} is larger than {MAX_JSON_BYTES // 2**20} MB; not a generations file"
        )
    try:
        data = load_json(_read_small(path, MAX_JSON_BYTES), path.name)
    except OSError as exc:
        raise UserError(
            f"cannot read {path}: {exc.strerror or exc}; nothing was imported"
        ) from None
    except ValueError as exc:
        raise UserError(f"{exc}; nothing was imported") from None
    if isinstance(data, dict):
        data = data.get("generations", data.get("records"))
    if not isinstance(data, list):
        raise UserError(f"{path} holds no list of generation records; nothing was imported")
    root = path.parent.resolve()
    for n, raw in enumerate(data, 1):
        label = f"{path.name} record {n}"  # its position, counted from 1 as editors do
        if not isinstance(raw, dict):
            yield Entry(label, problem=f"a record must be a JSON object, not {_kind(raw)}")
            continue
        fields = camel_to_snake(raw)
        if isinstance(fields.get("id"), str) and fields["id"].isprintable():
            label += f" (id {fields['id'][:40]})"
        file, problem = _seed_file(root, fields)
        yield Entry(label, fields, file, problem)


def _seed_file(root: Path, fields: dict[str, Any]) -> tuple[Path | None, str | None]:
    named = fields.get("stored_path", fields.get("local_path", fields.get("file")))
    key = "storedPath" if "stored_path" in fields else "localPath"
    if named is None:
        return None, "no storedPath names its image file"
    if not isinstance(named, str) or not named.strip():
        return None, f"{key} must be a file path, not {_kind(named)}"
    if "\x00" in named:
        return None, f"{key} holds a NUL character"
    url = urlparse(named)
    remote = len(url.scheme) > 1 and url.scheme != "file"
    name = PurePosixPath(url.path).name if remote else PureWindowsPath(named).name
    beside = root / name if name and name not in (".", "..") else None
    if beside is not None and os.path.lexists(beside):
        return beside, None  # its kind is checked before it is read
    if remote:
        return None, (
            f"{key} {named} is in an object store, which import does not read; copy the file "
            f"next to the JSON file (e.g. aws s3 cp {named} .) and import again"
        )
    path = Path(url.path if url.scheme == "file" else named).expanduser()
    candidate = Path(os.path.normpath(path if path.is_absolute() else root / path))
    if not candidate.resolve().is_relative_to(root):
        return None, (
            f"{key} {named} is outside the folder of the JSON file and no {name} lies beside "
            "it; refused (copy the image next to the JSON file)"
        )
    return candidate, None


def _kind(value: Any) -> str:
    names = {list: "a list", str: "a string", bool: "true/false", type(None): "null"}
    return names.get(type(value), "a number" if isinstance(value, int | float) else "an object")


# -- a folder -------------------------------------------------------------------------------


def folder_entries(root: Path) -> Iterator[Entry]:
    """Every image in the folder tree (with its ideovault sidecar if there is one), and a
    reported skip for everything else that is not a sidecar or an export's manifest."""
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            children = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            yield Entry(_rel(root, folder), problem=f"cannot be listed ({exc.strerror or exc})")
            continue
        names = {c.name.lower() for c in children}  # an image's sidecar is read with it
        subfolders = []
        for child in children:
            path = Path(child.path)
            label = _rel(root, path)
            if child.is_dir(follow_symlinks=False):
                subfolders.append(path)
                continue
            suffix = path.suffix.lower()
            if suffix in IMAGE_SUFFIXES:
                yield _folder_entry(label, path)
            elif suffix == ".json" and _has_image(path.stem, names):
                continue  # a sidecar, read with its image
            elif child.name not in _EXPORT_FILES or folder != root:
                why = path_problem(path) or f"not an image file ({suffix or 'no suffix'})"
                yield Entry(label, problem=why)
        stack.extend(reversed(subfolders))


def _rel(root: Path, path: Path) -> str:
    return str(path.relative_to(root)) if path != root else str(root)


def _folder_entry(label: str, file: Path) -> Entry:
    if (problem := path_problem(file)) is not None:
        return Entry(label, problem=problem)
    sidecar = file.with_suffix(".json")
    if not os.path.lexists(sidecar):
        return Entry(label, file=file)
    if (problem := path_problem(sidecar)) is not None:
        return Entry(label, problem=f"its sidecar {sidecar.name} {problem}")
    try:
        doc = load_json(_read_small(sidecar, MAX_SIDECAR_BYTES), f"its sidecar {sidecar.name}")
    except (OSError, ValueError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return Entry(label, problem=f"{why}; move the sidecar away to import the bare image")
    records = doc.get("records") if isinstance(doc, dict) else None
    first = next(iter(records.values()), None) if isinstance(records, dict) and records else None
    if not isinstance(first, dict) or not isinstance(first.get("image"), dict):
        return Entry(label, problem=f"its sidecar {sidecar.name} holds no ideovault record")
    fields = dict(first["image"])
    fields["_generation"] = first.get("generation")
    return Entry(label, fields, file, sidecar=True)


def _has_image(stem: str, names: set[str]) -> bool:
    return any(f"{stem}{suffix}".lower() in names for suffix in IMAGE_SUFFIXES)
