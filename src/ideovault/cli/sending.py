"""What every command that calls the API shares: the dry-run report, the progress bar, the
"answered from the vault" notice, the table or JSON of results and the exit code."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer
from rich.markup import escape

from ideovault.catalog.records import ImageRecord, ImageStatus
from ideovault.cli.app import GLOBALS
from ideovault.cli.output import images_table, out, print_json, say
from ideovault.cli.progress import generation_progress
from ideovault.vault.events import Event, EventSink
from ideovault.vault.sending import SendOptions

if TYPE_CHECKING:
    from ideovault.api.params import GenerateParams
    from ideovault.vault import Vault
    from ideovault.vault.spending import Quote

Send = Callable[["Vault", EventSink], list[ImageRecord]]
Prepare = Callable[["Vault"], "GenerateParams"]


@dataclass(frozen=True)
class Delivery:
    """The options every sending command shares: tags, and whether and how to send."""

    tags: list[str]
    dry_run: bool
    force: bool
    dedupe: str | None
    budget: float | None
    as_json: bool


def deliver(how: Delivery, prepare: Prepare) -> list[ImageRecord]:
    """Price the request ``prepare`` builds (``--dry-run``), or send it and report."""
    if how.dry_run:
        from ideovault.config_checks import usd

        usd(how.budget, "--budget")  # bad input in a dry run too

        with GLOBALS.open_vault() as vault:
            report_quote(vault.generations.price(prepare(vault)), how.as_json)
        return []
    return send_and_report(
        lambda vault, on_event: vault.generations.send(
            prepare(vault),
            options=SendOptions(
                tags=tuple(how.tags),
                on_event=on_event,
                dedupe=how.dedupe,
                force=how.force,
                max_usd=how.budget,
            ),
        ),
        how.as_json,
    )


def report_quote(offer: Quote, as_json: bool) -> None:
    if as_json:
        print_json(offer.to_json())
    else:
        say(
            f"would send {offer.endpoint}: {offer.num_images} image(s), about "
            f"${offer.estimated_usd:.2f} (${offer.usd_per_image:.3f} each); nothing sent"
        )


def send_and_report(send: Send, as_json: bool) -> list[ImageRecord]:
    """Run ``send`` with a progress bar (on a terminal), then show and judge the results."""
    kinds: set[str] = set()
    with GLOBALS.open_vault() as vault, generation_progress(not as_json) as on_progress:

        def on_event(event: Event) -> None:
            kinds.add(event.kind)
            if on_progress is not None:
                on_progress(event)

        records = send(vault, on_event)
    if "reused" in kinds:
        say("this exact request (with its seed) is already in the vault: returned the stored "
            "images without calling the API; --force calls it again")  # fmt: skip
    show_images(records, as_json)
    return records


def show_images(records: list[ImageRecord], as_json: bool) -> None:
    if as_json:
        print_json([r.to_json() for r in records])
    else:
        out.print(images_table(records))
    stored = sum(r.status == ImageStatus.STORED for r in records)
    unsafe = sum(r.status == ImageStatus.UNSAFE for r in records)
    if not as_json:
        say(
            f"{stored} of {len(records)} stored"
            + (f", {unsafe} withheld as unsafe" if unsafe else "")
        )
    problems = [r for r in records if r.status in (ImageStatus.PENDING, ImageStatus.EXPIRED)]
    for r in problems:
        say(f"[red]{r.id[:13]}[/]: {r.status.value}: {escape(r.error or '')}")
    if problems:
        raise typer.Exit(1)
