"""The socket `ideovault serve` listens on."""

from __future__ import annotations

import socket

import pytest

from ideovault.errors import UserError
from ideovault.web import WebSettings
from ideovault.web.serve import bind, url_of


def test_bound_socket_is_tcp_so_asyncio_disables_nagle() -> None:
    """With proto 0 asyncio leaves Nagle on, and every response waits ~40 ms for an ACK."""
    sock = bind(WebSettings(port=0))
    try:
        assert sock.proto == socket.IPPROTO_TCP
        assert url_of(sock).startswith("http://127.0.0.1:")
    finally:
        sock.close()


def test_a_taken_port_is_a_clear_user_error() -> None:
    first = bind(WebSettings(port=0))
    try:
        port = first.getsockname()[1]
        with pytest.raises(UserError, match="cannot listen"):
            bind(WebSettings(port=port)).close()
    finally:
        first.close()
