"""The claim/lease protocol on SQLite and PostgreSQL: no item is ever held by two workers, and
an item can be sent only by the worker that holds it."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest

from ideovault import ids
from ideovault.catalog import Catalog, batch_claims
from ideovault.catalog import batches as batches_module
from ideovault.catalog.batch_claims import LeaseLost
from ideovault.catalog.batch_records import ItemStatus
from ideovault.catalog.batches import BatchStore
from ideovault.catalog.records import GenerationStatus
from tests.waiting import wait_for


def make_batch(store: BatchStore, count: int) -> str:
    batch_id = ids.new_id()
    store.create_draft(id=batch_id, name="t", source=None, options={})
    store.add_items(
        batch_id,
        [
            {"id": ids.new_id(), "line_no": i + 1, "repeat_index": 0,
             "request": {"params": {"prompt": f"p{i}"}, "tags": []}, "num_images": 1}
            for i in range(count)
        ],
    )  # fmt: skip
    store.open(batch_id, items=count, images=count, usd=0.0)
    return batch_id


def generation(gid: str) -> dict[str, object]:
    return {
        "id": gid, "endpoint": "/v1/ideogram-v3/generate", "operation": "generate",
        "model": "V_3", "request": {}, "fingerprint": "f" * 64,
        "status": GenerationStatus.REQUESTED.value, "owner": "x", "num_images": 0,
        "created_at": datetime.now(UTC), "cost_usd": 0.06,
    }  # fmt: skip


def test_a_draft_is_never_claimed(catalog_url: str) -> None:
    with Catalog.open(catalog_url) as catalog:
        store = catalog.batches
        batch_id = ids.new_id()
        store.create_draft(id=batch_id, name="d", source=None, options={})
        store.add_items(batch_id, [{"id": ids.new_id(), "line_no": 1, "repeat_index": 0,
                                    "request": {}, "num_images": 1}])  # fmt: skip
        assert store.claim("w1", 10, 60) == []


def test_concurrent_claims_never_hand_out_an_item_twice(catalog_url: str) -> None:
    with Catalog.open(catalog_url) as catalog:
        make_batch(catalog.batches, 300)
        got: Counter[str] = Counter()
        lock = threading.Lock()

        def worker(name: str) -> None:
            while items := catalog.batches.claim(name, 7, 60):
                with lock:
                    got.update(i.id for i in items)

        threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(got) == 300
        assert set(got.values()) == {1}


def test_only_the_holder_may_send_and_a_lost_lease_writes_nothing(catalog_url: str) -> None:
    with Catalog.open(catalog_url) as catalog:
        store = catalog.batches
        batch_id = make_batch(store, 1)
        (item,) = store.claim("w1", 1, lease_seconds=0.01)
        (again,) = wait_for(  # w1's lease ran out
            lambda: store.claim("w2", 1, lease_seconds=60), what="w1's lease running out"
        )
        assert again.id == item.id and again.attempts == 2
        gid = ids.new_id()
        with pytest.raises(LeaseLost):
            store.start(item.id, "w1", generation(gid))
        with pytest.raises(Exception, match="no generation"):
            catalog.generations.get(gid)  # rolled back with the refused update
        store.start(item.id, "w2", generation(gid))
        (sent,) = store.items(batch_id)
        assert (sent.status, sent.generation_id) == (ItemStatus.SENT, gid)
        # A sent item is never claimable for sending again, even after its lease expires.
        assert store.claim("w3", 1, 60, dead=["w2"]) == []
        (settled,) = store.items(batch_id)
        assert settled.status == ItemStatus.UNANSWERED  # holder dead, no answer: reported
        assert catalog.generations.get(gid).status == GenerationStatus.UNKNOWN


def test_cancel_and_reopen(catalog_url: str) -> None:
    with Catalog.open(catalog_url) as catalog:
        store = catalog.batches
        batch_id = make_batch(store, 5)
        store.claim("w1", 2, 60)
        assert store.cancel(batch_id) == 5
        assert store.claim("w1", 5, 60) == []
        with pytest.raises(LeaseLost):  # a claimed item that was cancelled is not sent
            store.start(store.items(batch_id)[0].id, "w1", generation(ids.new_id()))
        assert store.reopen(batch_id, unanswered=False, failed=False) == {"cancelled": 5}
        assert len(store.claim("w1", 10, 60)) == 5


class SkewedClock:
    """A worker's time source, off by some minutes (the lease protocol must not read it)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch

    @contextmanager
    def off_by(self, minutes: float) -> Iterator[None]:
        with self.monkeypatch.context() as patch:
            skewed = lambda: datetime.now(UTC) + timedelta(minutes=minutes)  # noqa: E731
            patch.setattr(batch_claims, "utc_now", skewed)
            patch.setattr(batches_module, "utc_now", skewed)
            yield


def claim_soon(
    store: BatchStore, owner: str, clock: SkewedClock, minutes: float, batch_id: str
) -> list[str]:
    """Poll (as a worker does) until ``owner``, on a skewed clock, gets an item."""

    def claim() -> list[str]:
        with clock.off_by(minutes):
            got = store.claim(owner, 1, lease_seconds=60, batch_id=batch_id)
        return [i.id for i in got]

    return wait_for(claim, timeout=60, what=f"{owner} getting an item")


@pytest.mark.parametrize("minutes", [5, -5])
def test_a_skewed_clock_cannot_steal_a_live_lease(
    catalog_url: str, monkeypatch: pytest.MonkeyPatch, minutes: float
) -> None:
    clock = SkewedClock(monkeypatch)
    with Catalog.open(catalog_url) as catalog:
        store = catalog.batches
        make_batch(store, 2)
        with clock.off_by(minutes):  # the skewed worker holds one item …
            (mine,) = store.claim("skewed", 1, lease_seconds=60)
            assert store.renew("skewed", 60) == 1
        (other,) = store.claim("true", 5, lease_seconds=60)  # … a true clock cannot take it
        assert other.id != mine.id
        with clock.off_by(minutes):  # and the skewed one cannot take the true one's item
            assert store.claim("skewed-2", 5, lease_seconds=60) == []
            assert store.settle_orphans(mine.batch_id) == 0
        assert store.claim("true-2", 5, lease_seconds=60) == []


@pytest.mark.parametrize("minutes", [5, -5])
def test_a_skewed_clock_cannot_hold_a_dead_lease(
    catalog_url: str, monkeypatch: pytest.MonkeyPatch, minutes: float
) -> None:
    clock = SkewedClock(monkeypatch)
    with Catalog.open(catalog_url) as catalog:
        store = catalog.batches
        first, second = make_batch(store, 1), make_batch(store, 1)
        with clock.off_by(minutes):  # a skewed worker takes an item for 0.2 s and dies
            (dead_skewed,) = store.claim("skewed", 1, lease_seconds=0.2, batch_id=first)
        # It is free again about 0.2 s later for a true clock …
        assert claim_soon(store, "heir", clock, 0, first) == [dead_skewed.id]
        # … and the item of a true-clock worker that died is free for a skewed clock.
        (dead_true,) = store.claim("true", 1, lease_seconds=0.2, batch_id=second)
        assert claim_soon(store, "skewed-heir", clock, minutes, second) == [dead_true.id]
