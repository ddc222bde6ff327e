"""Which process sent a request, so that ``recover`` leaves live processes' work alone.

An owner is ``host:pid:start`` where ``start`` is the process start time from /proc (when there is
one), so that a recycled pid is not mistaken for the original process.
"""

from __future__ import annotations

import os
import socket
from functools import cache


def _start_time(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            stat = fh.read()
    except OSError:
        return "0"
    # Field 22 (starttime) comes after the command name, which may itself contain spaces.
    return stat.rsplit(")", 1)[-1].split()[19]


@cache
def current_owner() -> str:
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_start_time(pid)}"


def owner_alive(owner: str | None) -> bool:
    """True when the owner is a process on this host that is still running."""
    if not owner:
        return False
    try:
        host, pid_text, start = owner.rsplit(":", 2)
        pid = int(pid_text)
    except ValueError:
        return False
    if host != socket.gethostname():
        return True  # another machine's process: we cannot tell, so never step on it
    if pid == os.getpid():
        return start == _start_time(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return start in ("0", _start_time(pid))
