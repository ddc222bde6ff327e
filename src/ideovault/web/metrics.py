"""Operating the server: Prometheus metrics, a request id, and one JSON log line per request.

Requests and latencies are counted by route *template* (``/api/images/{image_id}``), never by
raw path, so ids do not explode the label set and nothing a client typed reaches a label. The
vault's own figures (images stored, generations by outcome, spend, batch queue depth) are read
from the catalog at scrape time. The log line carries the request id (also sent back as
``X-Request-Id``) and the actor's name, and never a header, a query string or a body, so no
token or key can reach the log.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from ideovault.vault import Vault, health
from ideovault.web.security import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("ideovault.web.requests")
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class VaultCollector(Collector):
    """The vault's figures, read at each scrape."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    def collect(self) -> Iterator[Metric]:
        figures = health.gauges(self.vault.context)
        helps = {
            "images": ("ideovault_images", "Images in the catalog, by status."),
            "generations": ("ideovault_generations", "Generations, by outcome."),
            "spend_usd": ("ideovault_spend_usd", "Estimated spend in USD, by outcome."),
            "batch_queue": ("ideovault_batch_queue", "Batch items waiting or claimed."),
        }
        for key, (name, text) in helps.items():
            family = GaugeMetricFamily(name, text, labels=["status"])
            for label, value in sorted(figures[key].items()):
                family.add_metric([label], value)
            yield family


class Metrics:
    """The registry of one app: request counters and latencies, and the vault's figures."""

    def __init__(self, vault: Vault) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "ideovault_http_requests", "HTTP requests, by method, route and status.",
            ["method", "route", "status"], registry=self.registry,
        )  # fmt: skip
        self.latency = Histogram(
            "ideovault_http_request_seconds", "Time to answer, by method and route.",
            ["method", "route"], registry=self.registry,
        )  # fmt: skip
        self.registry.register(VaultCollector(vault))


class Observe:
    """ASGI middleware: request id, metrics and the JSON log line of every HTTP request."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        offered = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = offered if _REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex
        status = 500
        started = time.perf_counter()

        async def tagged_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                message["headers"] = [*message.get("headers", []),
                                      (b"x-request-id", request_id.encode())]  # fmt: skip
            await send(message)

        try:
            await self.app(scope, receive, tagged_send)
        finally:
            elapsed = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", None) or "(unrouted)"
            method = str(scope["method"])
            self.metrics.requests.labels(method, route, str(status)).inc()
            self.metrics.latency.labels(method, route).observe(elapsed)
            principal = (scope.get("state") or {}).get("principal")
            log.info(
                "%s %s %s", method, route, status,
                extra={"request_id": request_id, "method": method, "route": route,
                       "status": status, "ms": round(elapsed * 1000, 1),
                       "actor": getattr(principal, "name", None)},
            )  # fmt: skip


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and the request fields."""

    FIELDS = ("request_id", "method", "route", "status", "ms", "actor")

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        data.update({f: getattr(record, f) for f in self.FIELDS if hasattr(record, f)})
        if record.exc_info:
            data["error"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)
