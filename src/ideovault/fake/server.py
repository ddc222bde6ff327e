"""Run the fake server: in a background thread (tests, demo) or in the foreground (CLI)."""

from __future__ import annotations

import threading
import time
from types import TracebackType
from typing import Any

import httpx
import uvicorn

from ideovault.fake.app import FakeState, create_app
from ideovault.fake.config import FakeConfig


class FakeServer:
    """``with FakeServer(FakeConfig(...)) as fake: fake.base_url`` — loopback, free port."""

    def __init__(self, config: FakeConfig | None = None, *, host: str = "127.0.0.1", port: int = 0):
        self.config = config or FakeConfig()
        self.app = create_app(self.config)
        self.state: FakeState = self.app.state.fake
        self._server = uvicorn.Server(
            uvicorn.Config(
                self.app, host=host, port=port, log_level="critical", access_log=False,
                lifespan="off", timeout_keep_alive=30,
            )
        )  # fmt: skip
        self._thread: threading.Thread | None = None
        self.base_url = ""

    def start(self) -> FakeServer:
        self._thread = threading.Thread(target=self._server.run, name="fake-ideogram", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the fake Ideogram server did not start")
            time.sleep(0.01)
        sock = self._server.servers[0].sockets[0]
        host, port = sock.getsockname()[:2]
        self.base_url = f"http://{host}:{port}"
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def inject(self, kind: str, times: int = 1, **options: Any) -> None:
        self.state.faults.inject(kind, times, **options)

    def stats(self) -> dict[str, Any]:
        return self.state.faults.stats()

    def reset(self) -> None:
        self.state.faults.reset()


def inject_remote(base_url: str, kind: str, times: int = 1, **options: Any) -> None:
    """Inject a fault into a fake server running in another process."""
    httpx.post(
        f"{base_url}/_fake/faults", json={"kind": kind, "times": times, **options}
    ).raise_for_status()


def serve(host: str, port: int, config: FakeConfig) -> None:
    """Serve in the foreground until interrupted (``ideovault fake-api``)."""
    uvicorn.run(create_app(config), host=host, port=port, log_level="warning")
