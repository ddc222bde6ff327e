"""Run the fake server: in a background thread (tests, demo) or in the foreground (CLI).

In a thread, uvicorn runs its own event loop; ``start()`` returns only once the socket is
listening, so the first request of a test never races the server. Port 0 picks a free port,
and :attr:`FakeServer.base_url` says which. The h11 protocol is pinned because the connection
faults ("drop", "truncate") close uvicorn's transport directly (see ``fake.wire``).
"""

from __future__ import annotations

import threading
import time
from types import TracebackType
from typing import Any

import httpx
import uvicorn

from ideogram_fake.app import FakeState, create_app
from ideogram_fake.config import FakeConfig

START_TIMEOUT = 15.0


def _uvicorn_config(config: FakeConfig, host: str, port: int, log_level: str) -> uvicorn.Config:
    return uvicorn.Config(
        create_app(config), host=host, port=port, log_level=log_level, access_log=False,
        lifespan="off", timeout_keep_alive=30, http="h11",
    )  # fmt: skip


class FakeServer:
    """``with FakeServer(FakeConfig(...)) as fake: fake.base_url`` — loopback, free port."""

    def __init__(
        self, config: FakeConfig | None = None, *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.config = config or FakeConfig()
        uv_config = _uvicorn_config(self.config, host, port, "critical")
        self.app = uv_config.app
        self.state: FakeState = self.app.app.state.fake
        self._server = uvicorn.Server(uv_config)
        self._thread: threading.Thread | None = None
        self.base_url = ""

    def start(self) -> FakeServer:
        """Serve in a daemon thread; return once it accepts connections."""
        if self._thread is not None:
            raise RuntimeError("this FakeServer was already started")
        self._thread = threading.Thread(target=self._server.run, name="fake-ideogram", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                self.stop()
                raise RuntimeError("the fake Ideogram server did not start (is the port taken?)")
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
        """Make the next ``times`` matching requests fail as ``kind`` (see ``fake.faults``)."""
        self.state.faults.inject(kind, times, **options)

    def stats(self) -> dict[str, Any]:
        return self.state.stats.snapshot()

    def finish_async_jobs(self) -> int:
        """Complete every pending 4.0 async job now (tests hold jobs with a long ``slow_async``)."""
        return self.state.jobs.finish_all()

    def reset(self) -> None:
        """Clear queued faults and zero the counters (links already issued stay valid)."""
        self.state.reset()


def inject_remote(base_url: str, kind: str, times: int = 1, **options: Any) -> None:
    """Inject a fault into a fake server running in another process (``/_fake/faults``)."""
    response = httpx.post(
        f"{base_url.rstrip('/')}/_fake/faults", json={"kind": kind, "times": times, **options}
    )
    if response.status_code != 200:
        raise ValueError(f"the fake refused the fault: {response.text}")


def serve(host: str, port: int, config: FakeConfig) -> None:
    """Serve in the foreground until interrupted (``ideovault fake-api``)."""
    uvicorn.Server(_uvicorn_config(config, host, port, "warning")).run()
