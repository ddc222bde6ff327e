"""How a tool runs vault work: in a worker thread (the vault is synchronous and may wait on
Ideogram for a minute), with its progress events forwarded to the client, and with every
failure turned into a tool error that carries the CLI's own message.

A tool error (``is_error`` result) is something the model reads and can act on; a crash of
the server would end the session. So vault errors keep their words, and anything else — a bug
— becomes a short, fixed message while the traceback goes to the server's log (stderr), never
to the client.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import NoReturn, TypeVar

import anyio
import anyio.from_thread
import anyio.lowlevel
import anyio.to_thread
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError

from ideovault.errors import IdeovaultError
from ideovault.vault.events import Event, EventSink

log = logging.getLogger("ideovault.mcp")

T = TypeVar("T")
Work = Callable[[EventSink], T]


def describe_event(event: Event, state: dict[str, int]) -> tuple[float, float | None, str] | None:
    """(progress, total, message) for one vault event, or None when it says nothing new.

    Steps: the call (1), then one per image downloaded, so ``total`` is images + 1 once the
    API has said how many images there are.
    """
    if event.kind == "sent":
        state["total"] = event.total + 1
        return 0, state["total"], "asking Ideogram"
    if event.kind == "submitted":
        return 0, None, "submitted to Ideogram 4.0 (async); waiting for it"
    if event.kind == "waiting":
        return 0, None, "still running at Ideogram"
    if event.kind == "answered":
        state["total"], state["done"] = event.total + 1, 1
        return 1, state["total"], f"answered: downloading {event.total} image(s)"
    if event.kind == "image":
        state["done"] = state.get("done", 1) + 1
        total = state.get("total", state["done"])
        return state["done"], total, f"stored {state['done'] - 1} of {total - 1}"
    if event.kind == "reused":
        return 1, 1, "answered from the vault (same request and seed): nothing sent"
    return None


async def run_in_thread(ctx: Context | None, work: Work[T]) -> T:
    """Run ``work(on_event)`` in a worker thread; progress goes to ``ctx``; errors to ToolError.

    The thread is never abandoned on cancellation: a generation that was sent is finished and
    stored even if the client stops waiting, as the CLI does after a Ctrl-C.
    """
    token = anyio.lowlevel.current_token()
    state: dict[str, int] = {}

    def on_event(event: Event) -> None:
        step = describe_event(event, state)
        if ctx is None or step is None:
            return
        progress, total, message = step
        try:
            anyio.from_thread.run(ctx.report_progress, progress, total, message, token=token)
        except Exception:  # a client gone away must not fail the generation itself
            log.debug("could not report progress", exc_info=True)

    try:
        return await anyio.to_thread.run_sync(lambda: work(on_event))
    except IdeovaultError as exc:
        raise ToolError(str(exc)) from None
    except ToolError:
        raise
    except Exception as exc:
        log.exception("internal error in an MCP tool")
        raise ToolError(
            f"internal error ({type(exc).__name__}); this is a bug in ideovault and the "
            "server's log has the details"
        ) from None


def refuse(message: str) -> NoReturn:
    """Bad input found by the tool itself: a tool error worded like the CLI's."""
    raise ToolError(message)
