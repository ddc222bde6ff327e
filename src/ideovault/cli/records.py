"""`ideovault show` and `ideovault list`: read records back."""

from __future__ import annotations

from typing import Annotated

import typer

from ideovault import ids
from ideovault.catalog.records import ImageStatus
from ideovault.cli.app import GLOBALS, app
from ideovault.cli.options import Json
from ideovault.cli.output import images_table, out, print_json, record_details
from ideovault.errors import UserError


@app.command()
def show(
    image_id: Annotated[str, typer.Argument(metavar="ID", help="An image id or a unique prefix.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the record as JSON.")] = False,
) -> None:
    """Show everything the vault knows about one image."""
    with GLOBALS.open_vault() as vault:
        record = vault.images.get(image_id)
    if as_json:
        print_json(record.to_json())
    else:
        out.print(record_details(record))


@app.command("list")
def list_images(
    limit: Annotated[
        int, typer.Option("--limit", "-l", help="How many, newest first (1 … 10000).")
    ] = 20,
    status: Annotated[
        list[str], typer.Option("--status", help="Only these statuses (repeatable).")
    ] = [],
    before: Annotated[
        str | None, typer.Option("--before", help="Page: ids older than this id.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the records as a JSON array.")
    ] = False,
) -> None:
    """List images, newest first."""
    if not 1 <= limit <= 10_000:
        raise UserError("--limit must be between 1 and 10000")
    try:
        statuses = [ImageStatus(s.lower()) for s in status] or None
    except ValueError:
        valid = ", ".join(s.value for s in ImageStatus)
        raise UserError(f"unknown status in {status}; one of {valid}") from None
    bound = ids.normalize_prefix(before) if before is not None else None
    if before is not None and bound is None:
        raise UserError(f"--before must be an image id (or a unique prefix), not {before!r}")
    with GLOBALS.open_vault() as vault:
        if bound is not None and len(bound) < 36:  # a prefix: the page starts below its image
            bound = vault.images.get(bound).id
        records = vault.images.list(limit, before_id=bound, statuses=statuses).records
    if as_json:
        print_json([r.to_json() for r in records])
    else:
        out.print(images_table(records))


@app.command()
def url(
    image_id: Annotated[str, typer.Argument(metavar="ID")],
    expires: Annotated[
        str, typer.Option("--expires", help="How long a signed URL lives (≤ 7d).")
    ] = "1h",
    as_json: Json = False,
) -> None:
    """A URL for the original image: public (IDEOVAULT_PUBLIC_BASE_URL) or signed and expiring."""
    from ideovault.units import parse_duration

    seconds = int(parse_duration(expires).total_seconds())
    with GLOBALS.open_vault() as vault:
        link = vault.images.url(image_id, seconds)
    if as_json:
        print_json({"url": link, "expires_seconds": seconds})
    else:
        out.print(link, markup=False, soft_wrap=True)
