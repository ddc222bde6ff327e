"""What every tool that calls the API shares (as ``cli/sending.py`` does for commands): the
price quote of a dry run, the send with progress, and a result that says what was stored.

Images that could not be stored (an expired link, a download that kept failing) make the
result a tool error that names them, as they make the CLI exit 1, while the records still
come back so the model can tell the user which ids ``recover`` may finish.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mcp.server.mcpserver import Context
from mcp_types import CallToolResult, TextContent

from ideovault.mcp.results import Shaping, images_result, result
from ideovault.mcp.running import run_in_thread
from ideovault.vault import ImageRecord, ImageStatus, SendOptions, Vault
from ideovault.vault.events import Event, EventSink

if TYPE_CHECKING:
    from ideovault.api.params import GenerateParams

Prepare = Callable[[Vault], "GenerateParams"]
Send = Callable[[EventSink], list[ImageRecord]]


@dataclass(frozen=True)
class Delivery:
    """The options every sending tool shares: tags, and whether and how to send."""

    tags: list[str] | None
    dry_run: bool
    force: bool
    dedupe: str | None
    budget: float | None


async def quote(ctx: Context | None, vault: Vault, prepare: Prepare) -> CallToolResult:
    """Validate and price the request; nothing is sent."""
    offer = await run_in_thread(ctx, lambda _on_event: vault.generations.price(prepare(vault)))
    data = offer.to_json()
    note = (
        f"would send {offer.endpoint}: {offer.num_images} image(s), about "
        f"${offer.estimated_usd:.2f} (${offer.usd_per_image:.3f} each); nothing sent"
    )
    return result({"dry_run": True, "summary": note, "quote": data})


async def deliver(
    ctx: Context | None,
    vault: Vault,
    shaping: Shaping,
    how: Delivery,
    prompt: str,
    params: dict[str, Any],
) -> CallToolResult:
    """The quote of a dry run, or the send and its stored images, of the request ``prompt``
    and ``params`` make (``Vault.prepare``'s arguments: an operation names its ``operation``
    and its input ``image``)."""

    def prepare(v: Vault) -> GenerateParams:
        return v.generations.prepare(prompt, **shaping.confine(v, params))

    if how.dry_run:
        return await quote(ctx, vault, prepare)
    return await send_and_report(
        ctx,
        vault,
        shaping,
        lambda on_event: vault.generations.send(
            prepare(vault),
            options=SendOptions(
                tags=tuple(how.tags or ()),
                on_event=on_event,
                dedupe=how.dedupe,
                force=how.force,
                max_usd=how.budget,
            ),
        ),
    )


async def send_and_report(
    ctx: Context | None, vault: Vault, shaping: Shaping, send: Send
) -> CallToolResult:
    kinds: set[str] = set()

    def work(on_event: EventSink) -> list[ImageRecord]:
        def watch(event: Event) -> None:
            kinds.add(event.kind)
            on_event(event)

        return send(watch)

    records = await run_in_thread(ctx, work)
    return report(vault, shaping, records, reused="reused" in kinds)


def report(
    vault: Vault, shaping: Shaping, records: list[ImageRecord], *, reused: bool, **extra: Any
) -> CallToolResult:
    stored = sum(r.status == ImageStatus.STORED for r in records)
    unsafe = sum(r.status == ImageStatus.UNSAFE for r in records)
    summary = f"{stored} of {len(records)} stored" + (
        f", {unsafe} withheld as unsafe (billed by Ideogram)" if unsafe else ""
    )
    if reused:
        summary += (
            "; this exact request (with its seed) was already in the vault: returned the stored "
            "images without calling the API (force=true calls it again)"
        )
    answer = images_result(vault, shaping, records, summary=summary, reused=reused, **extra)
    problems = [r for r in records if r.status in (ImageStatus.PENDING, ImageStatus.EXPIRED)]
    if not problems:
        return answer
    lines = [f"{r.id}: {r.status.value}: {r.error or ''}".rstrip() for r in problems]
    warning = (
        f"{len(problems)} image(s) not stored:\n" + "\n".join(lines) + "\n`ideovault recover` "
        "finishes pending downloads while their links live; an expired link cannot be fetched."
    )
    answer.content.insert(0, TextContent(text=warning))
    answer.is_error = True
    return answer
