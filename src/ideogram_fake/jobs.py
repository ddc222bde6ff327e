"""4.0 async generation (docs/ideogram-api.md §8): a job per ``generation_id``, pending until its
time comes, then completed with images (or failed), then a signed webhook delivery.

A job completes on whichever comes first: its timer task (which then delivers the webhook) or
a poll that finds its time has passed — so polling works even when no webhook was asked to be
delivered, and a poll never sees "pending" after the completion instant. Completing is done
once, under a lock; links are issued then, so their lifetime starts at completion, as with a
real job. Jobs live as long as the server (a client that crashed can come back and poll).
``finish_all`` makes every pending job due at once, so a test can hold a job with a long delay
and release it when it chooses instead of racing a timer.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from ideogram_fake.answers import created_now, image_list
from ideogram_fake.config import FakeConfig
from ideogram_fake.faults import FaultBook
from ideogram_fake.links import ImageLinks
from ideogram_fake.signing import WebhookKeys
from ideogram_fake.stats import Stats
from ideogram_fake.validate import Request as ImageRequest

log = logging.getLogger("ideogram_fake")


@dataclass
class Job:
    id: str
    request: ImageRequest
    base_url: str
    webhook_url: str | None  # None: accepted but not to be contacted (not loopback)
    complete_at: float
    fail: bool
    created: str = field(default_factory=created_now)
    status: str = "pending"
    body: dict[str, Any] | None = None  # the completed image list


class Jobs:
    """The server's jobs. It is handed the parts of ``FakeState`` it uses (the same objects, so
    a fault queued or a setting changed on the state is seen here), not the state itself: the
    state builds the jobs, and taking it back would close an import circle."""

    def __init__(
        self,
        config: FakeConfig,
        faults: FaultBook,
        stats: Stats,
        links: ImageLinks,
        webhook_keys: WebhookKeys,
        user_id: str,
    ) -> None:
        self._config = config
        self._faults = faults
        self._stats = stats
        self._links = links
        self._webhook_keys = webhook_keys
        self._user_id = user_id
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def submit(self, request: ImageRequest, base_url: str, webhook_url: str | None) -> str:
        """Start a job (call from the event loop); returns its generation id."""
        fault = self._faults.take("async")
        delay = self._config.async_delay
        if fault is not None and fault.kind == "slow_async":
            delay = fault.seconds()
        job = Job(
            id=secrets.token_urlsafe(16)[:22], request=request, base_url=base_url,
            webhook_url=webhook_url, complete_at=time.monotonic() + delay,
            fail=fault is not None and fault.kind == "async_fail",
        )  # fmt: skip
        with self._lock:
            self._jobs[job.id] = job
        task = asyncio.get_running_loop().create_task(self._run(job))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return job.id

    def poll(self, generation_id: str) -> dict[str, Any] | None:
        """The poll answer (§6.3), or None for an unknown id."""
        with self._lock:
            job = self._jobs.get(generation_id)
        if job is None:
            return None
        if time.monotonic() >= job.complete_at:
            self._complete(job)
        answer: dict[str, Any] = {
            "generation_id": job.id, "status": job.status, "created": job.created,
        }  # fmt: skip
        if job.status == "completed" and job.body is not None:
            answer.update(response_type="url", data=job.body["data"])
        return answer

    def finish_all(self) -> int:
        """Make every pending job due now; returns how many. Its timer notices within 50 ms."""
        now = time.monotonic()
        with self._lock:
            pending = [job for job in self._jobs.values() if job.status == "pending"]
            for job in pending:
                job.complete_at = min(job.complete_at, now)
        return len(pending)

    def _complete(self, job: Job) -> None:
        with self._lock:
            if job.status != "pending":
                return
            if job.fail:
                job.status = "failed"
                return
            job.body = image_list(job.request, self._links, self._config, job.base_url)
            job.status = "completed"
        self._stats.issued(job.request.num_images)

    async def _run(self, job: Job) -> None:
        # Short naps rather than one sleep, so that finish_all() can bring the time forward.
        while (left := job.complete_at - time.monotonic()) > 0:
            await asyncio.sleep(min(left, 0.05))
        self._complete(job)
        if job.status != "completed" or job.body is None:
            return
        if job.webhook_url is None:
            self._stats.webhook("skipped")
            return
        fault = self._faults.take("webhook")
        if fault is not None and fault.kind == "webhook_drop":
            self._stats.webhook("dropped")
            return
        copies = 2 if fault is not None and fault.kind == "webhook_duplicate" else 1
        for _ in range(copies):
            await self._deliver(job, job.webhook_url)

    async def _deliver(self, job: Job, url: str) -> None:
        """POST the signed body; retried a few times on non-2xx or no answer, then dropped."""
        assert job.body is not None
        raw = json.dumps({"generation_id": job.id, **job.body}).encode()
        config = self._config
        for attempt in range(1, max(1, config.webhook_attempts) + 1):
            stamp = str(int(time.time()))
            kid, signature = self._webhook_keys.sign(job.id, self._user_id, stamp, raw)
            headers = {
                "Content-Type": "application/json",
                "X-Ideogram-Webhook-Generation-Id": job.id,
                "X-Ideogram-Webhook-User-Id": self._user_id,
                "X-Ideogram-Webhook-Timestamp": stamp,
                "X-Ideogram-Webhook-Key-Id": kid,
                "X-Ideogram-Webhook-Signature": signature,
            }
            try:
                async with httpx.AsyncClient(timeout=5.0, trust_env=False) as http:
                    response = await http.post(url, content=raw, headers=headers)
                if 200 <= response.status_code < 300:
                    self._stats.webhook("sent")
                    return
            except httpx.HTTPError as exc:
                log.debug("webhook to %s failed: %s", url, type(exc).__name__)
            self._stats.webhook("failed")
            await asyncio.sleep(config.webhook_retry_delay * attempt)
