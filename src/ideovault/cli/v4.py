"""`ideovault magic-prompt`, and the JSON-prompt file reading `generate --json-prompt` uses.

magic-prompt prints the JSON prompt alone on stdout, pretty, so that the natural pipeline works:
``ideovault magic-prompt "a fox" > fox.json``, edit fox.json, then
``ideovault generate -m V_4 --json-prompt fox.json``. ``--json`` prints the whole answer
(``json_prompt`` and the resolved ``aspect_ratio``), which ``--json-prompt`` also accepts.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from ideovault import nesting
from ideovault.cli.app import GLOBALS, app
from ideovault.cli.output import print_json, say
from ideovault.errors import UserError

MAX_JSON_PROMPT_FILE = 1024 * 1024  # far above any real prompt; a bigger file is a mistake


def read_json_prompt(source: str) -> dict[str, Any]:
    """A JSON prompt from a file (or ``-`` for stdin): size, UTF-8 and JSON checked here with
    a message that names the file; the prompt's own rules are checked by ``api.v4prompt``."""
    if source == "-":
        data = sys.stdin.buffer.read(MAX_JSON_PROMPT_FILE + 1)
        name = "standard input"
    else:
        path = Path(source).expanduser()
        name = str(path)
        if not path.is_file():
            raise UserError(f"--json-prompt: {name} is not a file")
        if path.stat().st_size > MAX_JSON_PROMPT_FILE:
            raise UserError(f"--json-prompt: {name} is over 1 MB; a JSON prompt is a few KB")
        data = path.read_bytes()
    if len(data) > MAX_JSON_PROMPT_FILE:
        raise UserError(f"--json-prompt: {name} is over 1 MB; a JSON prompt is a few KB")
    try:
        value = nesting.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise UserError(f"--json-prompt: {name} is not UTF-8 text") from None
    except nesting.TooDeep as exc:
        raise UserError(f"--json-prompt: {name} is not accepted: {exc}") from None
    except ValueError as exc:
        raise UserError(f"--json-prompt: {name} is not valid JSON ({exc})") from None
    wrapped = isinstance(value, dict) and isinstance(value.get("json_prompt"), dict)
    if wrapped and set(value) <= {"json_prompt", "aspect_ratio"}:
        value = value["json_prompt"]  # a whole magic-prompt answer (`--json` output)
    if not isinstance(value, dict):
        raise UserError(f"--json-prompt: {name} must hold a JSON object")
    return value


@app.command("magic-prompt")
def magic_prompt(
    text: Annotated[str, typer.Argument(help="The idea, in words.")],
    aspect: Annotated[
        str | None, typer.Option("--aspect", "-a", help="AUTO (default), 16x9, 1x4, …")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print {json_prompt, aspect_ratio} as JSON.")
    ] = False,
) -> None:
    """Turn TEXT into an Ideogram 4.0 JSON prompt to edit and pass to `generate --json-prompt`."""
    with GLOBALS.open_vault() as vault:
        answer = vault.generations.magic_prompt(text, aspect)
    if as_json:
        print_json(answer)
        return
    print_json(answer["json_prompt"])
    if answer.get("aspect_ratio"):
        say(f"aspect ratio: {answer['aspect_ratio']} (pick a V_4 --resolution of that shape)")
