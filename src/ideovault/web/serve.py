"""Running the app with uvicorn on a socket we bind ourselves.

Binding first means the real address is known (``--port 0`` picks a free one) and can be
printed before the server blocks, and tests use exactly the code path the CLI uses, in a
thread. Access logs are kept but scrubbed of ``token=`` and ``key=`` query values.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import signal
import socket
import threading
import time
from collections.abc import Callable

import uvicorn
from fastapi import FastAPI

from ideovault.errors import UserError
from ideovault.web.security import WebSettings

_TOKEN_IN_QUERY = re.compile(r"((?:token|key)=)[^&\s\"]+")


class _ScrubToken(logging.Filter):
    """Keep ``?token=…`` and ``?key=…`` (the sign-in links) out of the access log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _TOKEN_IN_QUERY.sub(r"\1***", a) if isinstance(a, str) else a for a in record.args
            )
        return True


def bind(settings: WebSettings) -> socket.socket:
    """A listening socket on the settings' host and port (UserError if it cannot be had)."""
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    # proto must say TCP explicitly: asyncio only turns Nagle off (TCP_NODELAY) on sockets
    # whose proto is IPPROTO_TCP, and with Nagle on every response waited ~40 ms for an ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((settings.host, settings.port))
    except (OSError, ValueError, UnicodeError) as exc:  # ValueError: a NUL in the host
        sock.close()
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise UserError(
            f"cannot listen on {settings.host!r}:{settings.port} ({reason}); "
            "pick another --port or --host"
        ) from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def make_server(app: FastAPI, *, access_log: bool = True) -> uvicorn.Server:
    logging.getLogger("uvicorn.access").addFilter(_ScrubToken())
    config = uvicorn.Config(app, log_level="info", access_log=access_log, lifespan="off")
    return uvicorn.Server(config)


class ServerThread:
    """The app on a loopback socket in a background thread (tests, benchmarks, notebooks)."""

    def __init__(self, app: FastAPI, settings: WebSettings | None = None) -> None:
        self.sock = bind(settings or WebSettings(port=0))
        self.url = url_of(self.sock)
        self.server = make_server(app, access_log=False)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    def __enter__(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the web server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()


def run_workers(sock: socket.socket, workers: int, serve_one: Callable[[], None]) -> int:
    """Serve from ``workers`` forked processes sharing one listening socket; returns the number
    of workers that ended with an error.

    One process serves on one core: Python runs one thread at a time, so past a core's worth of
    requests a single server only queues. Each worker calls ``serve_one`` (open the vault, build
    the app, run uvicorn on ``sock``): nothing of a vault (pools, connections) crosses a fork.
    The kernel spreads new connections over the processes accepting on the socket. SIGTERM is
    passed on to the workers; Ctrl-C reaches them directly (same process group).
    """
    if not hasattr(os, "fork"):
        raise UserError("--workers needs a system with fork() (Linux, macOS)")
    children: list[int] = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # the worker
            status = 0
            try:
                serve_one()
            except BaseException:
                status = 1
            finally:
                os._exit(status)
        children.append(pid)

    def stop(signum: int, _frame: object) -> None:
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    failed = 0
    for child in children:
        while True:
            try:
                _, status = os.waitpid(child, 0)
                break
            except KeyboardInterrupt:  # Ctrl-C: the workers got it too; wait for them
                continue
        failed += os.waitstatus_to_exitcode(status) not in (0, -signal.SIGTERM, -signal.SIGINT)
    return failed
