"""`describe`, `lineage` and `reproduce`: what an image shows, where it came from, again."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.tree import Tree

from ideovault.cli.app import GLOBALS, app
from ideovault.cli.options import Budget, Force, Json, Source
from ideovault.cli.output import out, print_json, say
from ideovault.cli.sending import show_images
from ideovault.errors import UserError
from ideovault.vault.sending import SendOptions

if TYPE_CHECKING:
    from ideovault.catalog.records import ImageRecord
    from ideovault.vault.lineage import Node

ImageId = Annotated[str, typer.Argument(help="An image id or a unique prefix.")]


@app.command()
def describe(
    source: Source,
    version: Annotated[
        str | None, typer.Option("--model-version", help="V_2, V_3 (default) or V_4.")
    ] = None,
    v4: Annotated[
        bool,
        typer.Option(
            "--v4",
            help="Ideogram 4.0's describe: a JSON prompt, reusable with "
            "`generate -m V_4 --json-prompt`.",
        ),
    ] = False,
    bbox: Annotated[
        bool | None, typer.Option("--bbox/--no-bbox", help="--v4: element boxes (default on).")
    ] = None,
    styles: Annotated[
        bool, typer.Option("--style-descriptions", help="--v4: include a style block.")
    ] = False,
    tags: Annotated[bool, typer.Option("--tags", help="--v4: include tags.")] = False,
    budget: Budget = None,
    as_json: Json = False,
) -> None:
    """Ask the API to describe an image; the descriptions are kept on its record."""
    from ideovault.vault.describe import V4Options

    options = None
    if v4:
        options = V4Options(bbox, styles or None, tags or None)
    elif bbox is not None or styles or tags:
        raise UserError("--bbox, --style-descriptions and --tags go with --v4")
    with GLOBALS.open_vault() as vault:
        result = vault.generations.describe(
            source, model_version=version, max_usd=budget, v4=options
        )
    if as_json:
        print_json(result.to_json())
        return
    if result.json_prompt is not None:
        print_json(result.json_prompt)
        say(f"kept on image {result.image.id}")
        return
    for text in result.texts:
        out.print(escape(text))
    say(f"kept on image {result.image.id}")


def _label(record: ImageRecord) -> str:
    op = record.operation or "generate"
    words = record.prompt[:60] + ("…" if len(record.prompt) > 60 else "")
    seed = f" seed {record.seed}" if record.seed is not None else ""
    return (
        f"[bold]{record.id[:13]}[/] {op} [dim]{record.model}{seed} {record.status.value}[/] "
        f"{escape(words)}"
    )


def _add(tree: Tree, node: Node) -> None:
    for child in node.children:
        _add(tree.add(_label(child.record)), child)


@app.command()
def lineage(image_id: ImageId, as_json: Json = False) -> None:
    """The ancestors and descendants of an image, as a tree."""
    with GLOBALS.open_vault() as vault:
        result = vault.images.lineage(image_id)
    if as_json:
        print_json(result.to_json())
        return
    top: Tree | None = None
    branch: Tree | None = None
    for record in result.ancestors:
        branch = Tree(_label(record)) if branch is None else branch.add(_label(record))
        top = top or branch
    here = f"[reverse]{_label(result.image)}[/]"
    node = Tree(here) if branch is None else branch.add(here)
    _add(node, result.tree)
    out.print(top or node)
    if result.truncated:
        say("the tree was cut off: it has more images than can be shown")


@app.command()
def reproduce(image_id: ImageId, force: Force = False, as_json: Json = False) -> None:
    """Send the request that made an image again, with its seed; say if the bytes match.

    Ideogram does not promise identical pixels for the same seed: the result is a new image
    tagged `reproduced` and linked to its original.
    """
    from ideovault.cli.progress import generation_progress

    with GLOBALS.open_vault() as vault, generation_progress(not as_json) as on_progress:
        result = vault.generations.reproduce(
            image_id, options=SendOptions(force=force, on_event=on_progress)
        )
    if as_json:
        print_json(result.to_json())
        return
    if result.reused:
        say("this request with this seed is already in the vault: returned the stored images "
            "without calling the API; --force calls it again")  # fmt: skip
    verdict = {
        True: "the new image has exactly the original's bytes",
        False: "the new image differs from the original (Ideogram does not promise "
        "identical pixels for a seed)",
        None: "nothing stored to compare with the original",
    }[result.identical]
    try:
        show_images(result.images, as_json=False)
    finally:
        say(verdict)
