"""REST routes for batch jobs, so that ``ideovault batch FILE`` works through a server.

The client sends the file's text; the server checks and prices it exactly as the local CLI
does (``vault/batch.py``), queues it, and runs it in a thread of its own (``run``) while the
client follows ``GET /api/batches/{id}``. The server's workers (``ideovault worker``) may claim
the same items: the catalog's claims keep every item exactly-once either way.
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from ideovault.errors import UserError
from ideovault.vault import Vault
from ideovault.web.deps import VaultDep, clean_id

router = APIRouter(prefix="/api", tags=["batches"])


class NewBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    file_name: str = Field(..., max_length=255, description="The file's name on the client.")
    text: str = Field(..., description="The whole JSONL or CSV file.")
    fmt: str | None = Field(None, max_length=10)
    name: str | None = Field(None, max_length=400)
    skip_invalid: bool = False
    max_usd: float | None = Field(None, ge=0, allow_inf_nan=False)
    dry_run: bool = False
    concurrency: int | None = Field(None, ge=1, le=64)


class RunBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    concurrency: int | None = Field(None, ge=1, le=64)
    lease_seconds: float = Field(60.0, ge=1.0, le=3600.0)


class Reopen(BaseModel):
    model_config = ConfigDict(extra="forbid")
    retry_unanswered: bool = False
    retry_failed: bool = False
    max_usd: float | None = Field(None, ge=0, allow_inf_nan=False)


class Runs:
    """The batch runs this server started: a thread and, once it ends, its stats."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.threads: dict[str, threading.Thread] = {}
        self.stats: dict[str, dict[str, Any]] = {}
        self.stops: dict[str, threading.Event] = {}

    def start(self, vault: Vault, batch_id: str, body: RunBody) -> bool:
        with self.lock:
            if batch_id in self.threads and self.threads[batch_id].is_alive():
                return False
            stop = threading.Event()

            def run() -> None:
                try:
                    stats = vault.batches.run(
                        batch_id, concurrency=body.concurrency,
                        lease_seconds=body.lease_seconds, stop=stop,
                    ).to_json()  # fmt: skip
                except Exception as exc:  # reported to the client that follows the batch
                    stats = {"fatal": f"the server's run failed: {type(exc).__name__}: {exc}"}
                with self.lock:
                    self.stats[batch_id] = stats

            thread = threading.Thread(target=run, name=f"batch-{batch_id[:8]}", daemon=True)
            self.stats.pop(batch_id, None)
            self.threads[batch_id], self.stops[batch_id] = thread, stop
            thread.start()
            return True

    def running(self, batch_id: str) -> bool:
        with self.lock:
            thread = self.threads.get(batch_id)
            return thread is not None and thread.is_alive()


def _runs(request: Request) -> Runs:
    runs: Runs = request.app.state.batch_runs  # made by create_app
    return runs


def _file_name(raw: str) -> str:
    name = Path(raw.replace("\\", "/")).name
    if not name or name in (".", ".."):
        raise UserError("file_name must name a file, e.g. prompts.jsonl")
    return name


@router.post("/batches", responses={400: {"description": "Invalid rows or over budget"}})
def create(body: NewBatch, vault: VaultDep) -> Any:
    """Check and price the file; queue it as a batch unless ``dry_run`` (nothing is sent)."""
    from ideovault.vault import batch

    shown = _file_name(body.file_name)
    with tempfile.TemporaryDirectory(prefix="ideovault-batch-") as folder:
        path = Path(folder) / shown
        path.write_text(body.text, encoding="utf-8")
        try:
            plan = vault.batches.create(
                path, name=body.name or shown, fmt=body.fmt, skip_invalid=body.skip_invalid,
                max_usd=body.max_usd, dry_run=body.dry_run,
                options={"concurrency": body.concurrency},
            )  # fmt: skip
        except batch.BatchFileInvalid as exc:  # the rows, for --json; the server's folder, never
            detail = str(exc).replace(str(path), shown)
            errors = [e.to_json() for e in exc.errors]
            return JSONResponse(
                {"detail": detail, "errors": errors, "count": exc.count}, status_code=400
            )
        except UserError as exc:
            raise UserError(str(exc).replace(str(path), shown)) from None
    answer = plan.to_json()
    answer["file"] = shown
    if plan.batch is not None:
        answer["batch"]["source"] = shown
    return answer


@router.get("/batches")
def list_batches(vault: VaultDep, limit: int = Query(50, ge=1, le=1000)) -> list[dict[str, Any]]:
    """Batches, newest first, each with its counts."""
    return [{**b.to_json(), "counts": c.to_json()} for b, c in vault.batches.with_counts(limit)]


@router.get("/batches/{batch_id}")
def state(batch_id: str, vault: VaultDep, request: Request) -> dict[str, Any]:
    """The batch's state; ``running`` while this server's run goes on, then its ``run`` stats."""
    current = vault.batches.state(clean_id(batch_id))
    runs = _runs(request)
    with runs.lock:
        stats = runs.stats.get(current.batch.id)
    return {"state": current.to_json(), "running": runs.running(current.batch.id), "run": stats}


@router.post("/batches/{batch_id}/run")
def run(batch_id: str, body: RunBody, vault: VaultDep, request: Request) -> dict[str, Any]:
    """Start sending the batch's queued items in a thread of the server (once at a time)."""
    batch = vault.batches.state(clean_id(batch_id)).batch
    return {"started": _runs(request).start(vault, batch.id, body)}


@router.post("/batches/{batch_id}/stop")
def stop(batch_id: str, vault: VaultDep, request: Request) -> dict[str, Any]:
    """Stop the server's run as Ctrl-C stops a local one: what is queued stays queued."""
    batch = vault.batches.state(clean_id(batch_id)).batch
    runs = _runs(request)
    with runs.lock:
        event = runs.stops.get(batch.id)
    if event is not None:
        event.set()
    return {"stopping": event is not None}


@router.post("/batches/{batch_id}/reopen")
def reopen(batch_id: str, body: Reopen, vault: VaultDep) -> dict[str, Any]:
    """Make a batch claimable again (``batch resume``), checking the rest against budgets."""
    batch, requeued = vault.batches.reopen(
        clean_id(batch_id), retry_unanswered=body.retry_unanswered,
        retry_failed=body.retry_failed, max_usd=body.max_usd,
    )  # fmt: skip
    return {"batch": batch.to_json(), "requeued": requeued}


@router.post("/batches/{batch_id}/cancel")
def cancel(batch_id: str, vault: VaultDep) -> dict[str, Any]:
    """Send nothing more; requests already in flight still finish."""
    batch, cancelled = vault.batches.cancel(clean_id(batch_id))
    return {"batch": batch.to_json(), "cancelled_items": cancelled}
