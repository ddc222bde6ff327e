"""The read lane (web/deps.py): short catalog reads run on the app's own one-thread lane, not
on the default pool, and never more than one at a time, however many clients ask at once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from anyio import CapacityLimiter

from ideovault.vault import Vault
from ideovault.web.serve import ServerThread


class Recorder:
    """Wraps a vault method: notes the lane's borrowed tokens and how many calls overlap."""

    def __init__(self, lane: CapacityLimiter, inner: Callable[..., Any]) -> None:
        self.lane, self.inner = lane, inner
        self.borrowed: list[float] = []
        self.running = self.most = 0
        self.lock = threading.Lock()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
            self.borrowed.append(self.lane.borrowed_tokens)
        try:
            return self.inner(*args, **kwargs)
        finally:
            with self.lock:
                self.running -= 1


@pytest.fixture
def lane(server: ServerThread) -> CapacityLimiter:
    return server.server.config.app.state.read_lane  # type: ignore[no-any-return]


def test_list_and_one_record_run_in_the_lane(
    vault: Vault, client: httpx.Client, lane: CapacityLimiter, monkeypatch: pytest.MonkeyPatch
) -> None:
    search = Recorder(lane, vault.images.search)
    get = Recorder(lane, vault.images.get)
    monkeypatch.setattr(vault.images, "search", search)
    monkeypatch.setattr(vault.images, "get", get)
    page = client.get("/api/images", params={"limit": 2}).json()
    one = client.get(f"/api/images/{page['results'][0]['id']}")
    assert one.status_code == 200
    assert search.borrowed == [1] and get.borrowed == [1]  # the lane's one token is theirs


def test_who_asks_is_read_in_the_lane(
    vault: Vault, client: httpx.Client, lane: CapacityLimiter, monkeypatch: pytest.MonkeyPatch
) -> None:
    is_team = Recorder(lane, vault.people.is_team)
    monkeypatch.setattr(vault.people, "is_team", is_team)
    assert client.get("/api/images", params={"limit": 1}).status_code == 200
    assert is_team.borrowed and set(is_team.borrowed) == {1}


def test_many_clients_at_once_take_turns(
    vault: Vault, server: ServerThread, lane: CapacityLimiter, monkeypatch: pytest.MonkeyPatch
) -> None:
    search = Recorder(lane, vault.images.search)
    monkeypatch.setattr(vault.images, "search", search)

    def ask(_: int) -> int:
        with httpx.Client(base_url=server.url, timeout=60) as c:
            return c.get("/api/images", params={"limit": 5}).status_code

    with ThreadPoolExecutor(24) as pool:
        codes = list(pool.map(ask, range(48)))
    assert codes == [200] * 48
    assert len(search.borrowed) == 48
    assert search.most == 1
