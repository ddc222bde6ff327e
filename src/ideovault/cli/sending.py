"""What every command that calls the API shares: the dry-run report, the progress bar, the
"answered from the vault" notice, the table or JSON of results and the exit code."""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass
from types import TracebackType
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


@dataclass(frozen=True)
class Delivery:
    """The options every sending command shares: tags, and whether and how to send."""

    tags: list[str]
    dry_run: bool
    force: bool
    dedupe: str | None
    budget: float | None
    as_json: bool


class Sending:
    """One sending command: its vault, its progress bar and its options, then its report.

    ``with Sending(how) as sending: sending.send(sending.vault.generations.prepare(...))``
    prices the request (``--dry-run``) or sends it; leaving the block shows the records (a
    table or JSON), says when the vault answered instead of the API, and sets the exit code.
    """

    def __init__(self, how: Delivery) -> None:
        self.how = how
        self.records: list[ImageRecord] = []
        self._kinds: set[str] = set()
        self._progress: EventSink | None = None
        self._stack = ExitStack()

    def __enter__(self) -> Sending:
        if self.how.dry_run:
            from ideovault.config_checks import usd

            usd(self.how.budget, "--budget")  # bad input in a dry run too
        self.vault: Vault = self._stack.enter_context(GLOBALS.open_vault())
        if not self.how.dry_run:
            self._progress = self._stack.enter_context(generation_progress(not self.how.as_json))
        return self

    @property
    def options(self) -> SendOptions:
        """The command's flags as the one options value every sending method takes."""
        how = self.how
        return SendOptions(
            tags=tuple(how.tags), on_event=self._on_event, dedupe=how.dedupe, force=how.force,
            max_usd=how.budget,
        )  # fmt: skip

    def send(self, request: GenerateParams) -> list[ImageRecord]:
        """Price ``request`` (a dry run: nothing sent) or send it with the command's options."""
        if self.how.dry_run:
            report_quote(self.vault.generations.price(request), self.how.as_json)
            return []
        return self.keep(self.vault.generations.send(request, options=self.options))

    def keep(self, records: list[ImageRecord]) -> list[ImageRecord]:
        """The records to report when the block ends (a send made another way: ``--async``)."""
        self.records = records
        return records

    def _on_event(self, event: Event) -> None:
        self._kinds.add(event.kind)
        if self._progress is not None:
            self._progress(event)

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stack.close()  # the progress bar ends and the vault closes before the report
        if t is not None or self.how.dry_run:
            return
        if "reused" in self._kinds:
            say("this exact request (with its seed) is already in the vault: returned the "
                "stored images without calling the API; --force calls it again")  # fmt: skip
        show_images(self.records, self.how.as_json)


def report_quote(offer: Quote, as_json: bool) -> None:
    if as_json:
        print_json(offer.to_json())
    else:
        say(
            f"would send {offer.endpoint}: {offer.num_images} image(s), about "
            f"${offer.estimated_usd:.2f} (${offer.usd_per_image:.3f} each); nothing sent"
        )


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
