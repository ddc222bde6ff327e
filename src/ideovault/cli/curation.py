"""`ideovault rate ID... 0-5` and `ideovault album create|list|add|remove|rename|delete|cover`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from ideovault.cli.app import GLOBALS, app
from ideovault.cli.options import Json
from ideovault.cli.output import out, print_json, say
from ideovault.errors import UserError

if TYPE_CHECKING:
    from ideovault.catalog.albums import Album

AlbumName = Annotated[str, typer.Argument(help="The album's name (quote it if it has spaces).")]
Ids = Annotated[list[str] | None, typer.Argument(help="Image ids or unique prefixes.")]
Query = Annotated[
    str | None, typer.Option("--query", "-q", help="Every image a search finds, instead of ids.")
]


@app.command()
def rate(
    args: Annotated[list[str], typer.Argument(metavar="ID... RATING", help="Ids, then 0-5.")],
    as_json: Json = False,
) -> None:
    """Give images 1-5 stars; 0 clears the rating. Search them with rating:>=4."""
    if len(args) < 2:
        raise UserError("usage: ideovault rate ID... RATING (RATING is 0-5; 0 clears)")
    *ids, value = args
    if not value.isdigit():
        raise UserError(f"the rating comes last and is 0-5 (0 clears), not {value[:20]!r}")
    with GLOBALS.open_vault() as vault:
        records = vault.images.rate(ids, int(value))
    if as_json:
        print_json([r.to_json() for r in records])
        return
    what = f"rated {value}" if int(value) else "rating cleared"
    say(f"{what}: {len(records)} image(s)")


album_app = typer.Typer(
    no_args_is_help=True,
    help="Albums: named collections of images (an image may be in many; nothing is moved).",
)
app.add_typer(album_app, name="album")


def _show(album: Album, as_json: bool) -> None:
    if as_json:
        print_json(album.to_json())
    else:
        say(f"album {escape(album.name)}: {album.count} image(s)")


@album_app.command("create")
def album_create(name: AlbumName, as_json: Json = False) -> None:
    """Create an empty album."""
    with GLOBALS.open_vault() as vault:
        _show(vault.albums.create(name), as_json)


@album_app.command("list")
def album_list(as_json: Json = False) -> None:
    """Every album, with how many images it holds and its cover."""
    with GLOBALS.open_vault() as vault:
        albums = vault.albums.list()
    if as_json:
        print_json([a.to_json() for a in albums])
        return
    table = Table("name", "images", "cover", "created")
    for a in albums:
        created = a.created_at.strftime("%Y-%m-%d %H:%M")
        table.add_row(escape(a.name), str(a.count), a.cover_id or "-", created)
    out.print(table)


def _members(ids: list[str] | None, query: str | None) -> tuple[list[str], str | None]:
    if bool(ids) == (query is not None):
        raise UserError("name the images: ids, or --query 'a search' (not both)")
    return list(ids or []), query


@album_app.command("add")
def album_add(name: AlbumName, ids: Ids = None, query: Query = None, as_json: Json = False) -> None:
    """Put images in an album (by ids, or every image a --query finds)."""
    names, q = _members(ids, query)
    with GLOBALS.open_vault() as vault:
        done = vault.selection.bulk(vault.selection.change("album", album=name), names, q)
        album = vault.albums.get(name)
    if as_json:
        print_json({**album.to_json(), "added": len(done)})
    else:
        say(f"{len(done)} image(s) in album {escape(album.name)}, now {album.count} in all")


@album_app.command("remove")
def album_remove(
    name: AlbumName, ids: Ids = None, query: Query = None, as_json: Json = False
) -> None:
    """Take images out of an album (the images themselves stay)."""
    names, q = _members(ids, query)
    with GLOBALS.open_vault() as vault:
        done = vault.selection.bulk(vault.selection.change("unalbum", album=name), names, q)
        album = vault.albums.get(name)
    if as_json:
        print_json({**album.to_json(), "removed": len(done)})
    else:
        say(f"took {len(done)} image(s) out of {escape(album.name)}, {album.count} left")


@album_app.command("rename")
def album_rename(old: AlbumName, new: AlbumName, as_json: Json = False) -> None:
    """Give an album a new name."""
    with GLOBALS.open_vault() as vault:
        _show(vault.albums.rename(old, new), as_json)


@album_app.command("delete")
def album_delete(name: AlbumName, as_json: Json = False) -> None:
    """Delete an album. Its images are never deleted."""
    with GLOBALS.open_vault() as vault:
        held = vault.albums.delete(name)
    if as_json:
        print_json({"deleted": name, "images_kept": held})
    else:
        say(f"deleted album {escape(name)}; its {held} image(s) are still in the vault")


@album_app.command("cover")
def album_cover(
    name: AlbumName,
    image_id: Annotated[
        str | None, typer.Argument(help="An image in it; omit for the newest.")
    ] = None,
    as_json: Json = False,
) -> None:
    """Choose the album's cover image."""
    with GLOBALS.open_vault() as vault:
        _show(vault.albums.cover(name, image_id), as_json)
