"""A webhook receiver on loopback: records every delivery (headers and raw bytes), answers 2xx
(or what the test asks for). Real HTTP, so the fake's deliveries are tested end to end."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests import waiting


@dataclass
class Delivery:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    deliveries: list[Delivery] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)  # answered in order; then 204

    def wait_for(self, count: int, timeout: float = 60.0) -> list[Delivery]:
        """The deliveries, once there are at least ``count``."""
        waiting.wait_for(lambda: len(self.deliveries) >= count, timeout=timeout,
                         what=f"{count} webhook deliveries")  # fmt: skip
        return list(self.deliveries)


@contextmanager
def receiver() -> Iterator[Receiver]:
    box: list[Receiver] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            rec = box[0]
            status = rec.statuses.pop(0) if rec.statuses else 204
            if 200 <= status < 300:
                rec.deliveries.append(Delivery(dict(self.headers.items()), body))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    box.append(Receiver(f"http://127.0.0.1:{server.server_address[1]}/hooks/ideogram"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield box[0]
    finally:
        server.shutdown()
        server.server_close()
