"""``vault.batches`` through a server: the file's text goes up, the server checks, prices,
queues and runs it (``web/routes_batches.py``), and the client follows its state until it is
done. The file is opened with the local reader's own checks (``batch_file.open_batch_file``),
so a folder, a device or a UTF-16 file is refused with the same words before anything is sent.

Stopping the client (Ctrl-C) stops the server's run the same way a local Ctrl-C stops a local
one: what is queued stays queued for ``batch resume``.
"""

from __future__ import annotations

import builtins
import threading
from collections.abc import Callable
from dataclasses import fields
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ideovault.catalog.batch_records import BatchCounts, BatchItem, BatchRecord
from ideovault.errors import IdeovaultError, UserError
from ideovault.vault.batch_file import RowError, open_batch_file
from ideovault.vault.remote.http import Namespace, path_id

if TYPE_CHECKING:
    from ideovault.vault.batch import BatchPlan, BatchState
    from ideovault.vault.worker import ItemOutcome, RunStats

POLL_SECONDS = 0.25  # how often the client asks how the server's run is going


def _when(value: Any) -> datetime | None:
    return None if value is None else datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _batch(data: dict[str, Any]) -> BatchRecord:
    known = {f.name: data[f.name] for f in fields(BatchRecord)}
    known["created_at"] = _when(known["created_at"])
    return BatchRecord(**known)


def _item(data: dict[str, Any]) -> BatchItem:
    known = {f.name: data[f.name] for f in fields(BatchItem)}
    known["lease_expires_at"] = _when(known["lease_expires_at"])
    known["updated_at"] = _when(known["updated_at"])
    return BatchItem(**known)


def _counts(data: dict[str, Any]) -> BatchCounts:
    return BatchCounts(dict(data["items"]), dict(data["images"]))


def _row_errors(data: list[dict[str, Any]]) -> list[RowError]:
    return [RowError(int(e["line"]), str(e["message"])) for e in data]


def _text(path: Path, fmt: str | None) -> tuple[str, str]:
    """The file's text and format, read as the local reader opens it (its checks, its
    words); the server parses it row by row."""
    fh, kind = open_batch_file(path, fmt)
    with fh:
        try:
            data = fh.read()
        except OSError as exc:
            raise UserError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8"), kind
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UserError(f"{path}: line {line} is not UTF-8; save the file as UTF-8") from None


class RemoteBatches(Namespace):
    _name = "batches"

    def create(
        self,
        path: str | Path,
        *,
        name: str | None = None,
        fmt: str | None = None,
        skip_invalid: bool = False,
        max_usd: float | None = None,
        dry_run: bool = False,
        options: dict[str, Any] | None = None,
    ) -> BatchPlan:
        from ideovault.vault.batch import BatchFileInvalid, BatchPlan

        path = Path(path)
        text, kind = _text(path, fmt)
        body = {
            "file_name": path.name, "text": text, "fmt": kind, "name": name,
            "skip_invalid": skip_invalid, "max_usd": max_usd, "dry_run": dry_run,
            "concurrency": (options or {}).get("concurrency"),
        }  # fmt: skip
        response = self._conn.request("POST", "/api/batches", json=body)
        answer = response.json() if "json" in response.headers.get("content-type", "") else {}
        if response.status_code == 400 and "errors" in answer:
            raise BatchFileInvalid(path, _row_errors(answer["errors"]), int(answer["count"]))
        if not response.is_success:
            raise self._conn.refused(response.status_code, str(answer.get("detail", response.text)))
        plan = BatchPlan(
            path, items=answer["items"], images=answer["images"],
            estimated_usd=answer["estimated_usd"], rows=answer["rows"],
            errors=_row_errors(answer["errors"]), error_count=answer["skipped_rows"],
        )  # fmt: skip
        if answer["batch"] is not None:
            plan.batch = _batch(answer["batch"])
        return plan

    def state(self, batch_id: str) -> BatchState:
        from ideovault.vault.batch import BatchState

        data = self._conn.call("GET", f"/api/batches/{path_id(batch_id)}")["state"]
        return BatchState(
            _batch(data), _counts(data["counts"]),
            [_item(i) for i in data["unanswered"]], [_item(i) for i in data["failed"]],
        )  # fmt: skip

    def run(
        self,
        batch_id: str | None = None,
        *,
        concurrency: int | None = None,
        lease_seconds: float = 60.0,
        until_idle: bool = True,
        stop: threading.Event | None = None,
        on_item: Callable[[ItemOutcome], None] | None = None,
    ) -> RunStats:
        """Start the server's run of one batch and wait for it; the stats are the server's
        (``until_idle`` and ``on_item`` are the local worker's: a server's run ends when its
        batch does, and tells no item as it goes)."""
        from ideovault.vault.worker import RunStats

        if batch_id is None:
            raise UserError("`ideovault worker` runs on the server's machine, not through it")
        where = f"/api/batches/{path_id(batch_id)}"
        stop = stop or threading.Event()
        run_body = {"concurrency": concurrency, "lease_seconds": lease_seconds}
        self._conn.call("POST", f"{where}/run", json=run_body)
        stopping = False
        while True:
            answer = self._conn.call("GET", where)
            if not answer["running"] and answer["run"] is not None:
                break
            if not answer["running"]:  # the server restarted: its run left no report
                raise IdeovaultError(
                    f"the server's run of batch {batch_id[:13]} ended without a report; "
                    f"`ideovault batch status {batch_id[:13]}` shows it, `batch resume` continues"
                )
            if stop.wait(POLL_SECONDS) and not stopping:
                self._conn.call("POST", f"{where}/stop")
                stopping = True
        run = answer["run"]
        return RunStats(
            items=dict(run.get("items", {})), images_stored=int(run.get("images_stored", 0)),
            images_missing=int(run.get("images_missing", 0)),
            elapsed=float(run.get("elapsed_seconds", 0.0)), stopped=bool(run.get("stopped")),
            fatal=run.get("fatal"),
        )  # fmt: skip

    def cancel(self, batch_id: str) -> tuple[BatchRecord, int]:
        answer = self._conn.call("POST", f"/api/batches/{path_id(batch_id)}/cancel")
        return _batch(answer["batch"]), int(answer["cancelled_items"])

    def reopen(
        self,
        batch_id: str,
        *,
        retry_unanswered: bool = False,
        retry_failed: bool = False,
        max_usd: float | None = None,
    ) -> tuple[BatchRecord, dict[str, int]]:
        body = {"retry_unanswered": retry_unanswered, "retry_failed": retry_failed,
                "max_usd": max_usd}  # fmt: skip
        answer = self._conn.call("POST", f"/api/batches/{path_id(batch_id)}/reopen", json=body)
        return _batch(answer["batch"]), {k: int(v) for k, v in answer["requeued"].items()}

    def with_counts(self, limit: int = 50) -> builtins.list[tuple[BatchRecord, BatchCounts]]:
        rows = self._conn.call("GET", "/api/batches", params={"limit": limit})
        return [(_batch(r), _counts(r["counts"])) for r in rows]

    def list(self, limit: int = 50) -> builtins.list[BatchRecord]:
        return [batch for batch, _ in self.with_counts(limit)]
