"""`ideovault search`, `tag`, `star`, `unstar`: find images and mark them."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from ideovault.cli.app import GLOBALS, app
from ideovault.cli.options import Json
from ideovault.cli.output import dumps, images_table, out, print_json, say
from ideovault.errors import UserError


class Format(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    paths = "paths"


@app.command()
def search(
    query: Annotated[
        str, typer.Argument(help='e.g. red fox "neon sign" tag:poster model:V_3 after:7d')
    ] = "",
    limit: Annotated[int, typer.Option("--limit", "-l", help="Results per page (1 … 1000).")] = 50,
    after: Annotated[
        str | None, typer.Option("--after", help="Continue from this page cursor.")
    ] = None,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="table, json, jsonl, paths.")
    ] = Format.table,
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
    semantic: Annotated[
        bool, typer.Option("--semantic", help="Rank by meaning (needs ideovault[semantic]).")
    ] = False,
) -> None:
    """Search the vault with the query language (see the README)."""
    if as_json:
        fmt = Format.json
    if semantic:
        _semantic(query, limit, fmt)
        return
    with GLOBALS.open_vault() as vault:
        page = vault.images.search(query, limit=limit, cursor=after)
    if fmt == Format.json:
        print_json({"results": [r.to_json() for r in page.records], "next": page.next_cursor})
    elif fmt == Format.jsonl:
        for r in page.records:
            sys.stdout.write(dumps(r.to_json()) + "\n")
    elif fmt == Format.paths:
        for r in page.records:
            if r.local_path:
                sys.stdout.write(r.local_path + "\n")
    else:
        out.print(images_table(page.records))
        say(f"{len(page.records)} result(s)")
    if page.next_cursor and fmt != Format.json:
        say(f"more: --after {page.next_cursor}")


@app.command(context_settings={"ignore_unknown_options": True})
def tag(
    items: Annotated[
        list[str], typer.Argument(metavar="ID... [+TAG|-TAG]...", help="Ids, then tags.")
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the changed records as JSON.")
    ] = False,
) -> None:
    """Add (+tag) and remove (-tag) tags: `ideovault tag 01a2 01b3 +poster -draft`."""
    ids = [i for i in items if not i.startswith(("+", "-"))]
    add = [i[1:] for i in items if i.startswith("+")]
    remove = [i[1:] for i in items if i.startswith("-")]
    if not ids:
        raise UserError("name at least one image id before the tags")
    if not (add or remove):
        raise UserError("name tags to add (+tag) or remove (-tag)")
    with GLOBALS.open_vault() as vault:
        records = vault.images.tag(ids, add, remove)
    if as_json:
        print_json([r.to_json() for r in records])
    else:
        for r in records:
            say(f"{r.id}: {', '.join(r.tags) or '(no tags)'}")


def _star(ids: list[str], starred: bool, as_json: bool) -> None:
    with GLOBALS.open_vault() as vault:
        records = vault.images.star(ids, starred)
    if as_json:
        print_json([r.to_json() for r in records])
    else:
        for r in records:
            say(f"{r.id}: {'starred' if starred else 'not starred'}")


@app.command()
def star(
    ids: Annotated[list[str], typer.Argument(metavar="ID...")],
    as_json: Json = False,
) -> None:
    """Star images (starred images are never removed by a cleanup policy)."""
    _star(ids, True, as_json)


@app.command()
def unstar(
    ids: Annotated[list[str], typer.Argument(metavar="ID...")],
    as_json: Json = False,
) -> None:
    """Remove the star from images."""
    _star(ids, False, as_json)


def _semantic(text: str, limit: int, fmt: Format) -> None:
    with GLOBALS.open_vault() as vault:
        matches = vault.images.semantic(text, limit)
    if fmt in (Format.json, Format.jsonl):
        rows = [{**m.record.to_json(), "score": m.score} for m in matches]
        if fmt == Format.json:
            print_json({"results": rows, "next": None})
        else:
            for row in rows:
                sys.stdout.write(dumps(row) + "\n")
    elif fmt == Format.paths:
        for m in matches:
            if m.record.local_path:
                sys.stdout.write(m.record.local_path + "\n")
    else:
        out.print(images_table([m.record for m in matches]))
        say("scores: " + ", ".join(f"{m.score:.2f}" for m in matches))
