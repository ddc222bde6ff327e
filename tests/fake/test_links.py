"""Image links: deterministic bytes, signatures, expiry (§2.1, §9)."""

from __future__ import annotations

import hashlib

import httpx

from ideogram_fake import FakeServer
from tests.fake.conftest import (
    URL_RE,
    MovableClock,
    legacy,
    link_exp,
    one_url,
    own_server,
    v3,
)


def download(url: str) -> bytes:
    res = httpx.get(url)
    assert res.status_code == 200, res.text
    return res.content


def test_same_prompt_and_seed_give_identical_bytes(fake: FakeServer) -> None:
    first, second = one_url(fake, seed=42), one_url(fake, seed=42)
    assert first != second  # a new link each time …
    assert download(first) == download(second)  # … to the same bytes


def test_bytes_survive_a_server_restart(fake: FakeServer) -> None:
    here = hashlib.sha256(download(one_url(fake, seed=7, aspect_ratio="4x5"))).hexdigest()
    with own_server() as other:
        there = hashlib.sha256(download(one_url(other, seed=7, aspect_ratio="4x5"))).hexdigest()
    assert here == there


def test_anything_that_changes_the_request_changes_the_bytes(fake: FakeServer) -> None:
    base = download(one_url(fake, seed=1))
    assert download(one_url(fake, seed=2)) != base
    assert download(one_url(fake, seed=1, prompt="a wolf")) != base
    assert download(one_url(fake, seed=1, resolution="1088x896")) != base
    data = v3(fake, prompt="a fox", seed=1, num_images=2).json()["data"]
    assert download(data[0]["url"]) == base  # index 0 of any answer
    assert download(data[1]["url"]) != base  # the second image of the same seed differs


def test_legacy_and_v3_agree_for_the_same_inputs(fake: FakeServer) -> None:
    item = legacy(fake, prompt="a fox", seed=1, magic_prompt_option="OFF").json()["data"][0]
    assert download(item["url"]) == download(one_url(fake, seed=1))


def test_tampered_links_are_refused(fake: FakeServer) -> None:
    url = one_url(fake)
    match = URL_RE.match(url)
    assert match
    sig, exp = match["sig"], match["exp"]
    flipped = ("0" if sig[0] != "0" else "1") + sig[1:]
    assert httpx.get(url.replace(sig, flipped)).status_code == 403
    assert httpx.get(url.replace(f"exp={exp}", f"exp={int(exp) + 3600}")).status_code == 403
    assert httpx.get(url.replace(f"exp={exp}", "exp=soon")).status_code == 403
    assert httpx.get(url.split("?")[0]).status_code == 403  # no exp, no sig
    assert httpx.get(url.replace(match["id"], "A" * 22)).status_code == 404
    assert httpx.get(url.replace(".png", ".jpg")).status_code == 404
    assert httpx.get(url).status_code == 200  # the real link still works


def test_links_expire_after_the_ttl() -> None:
    clock = MovableClock()
    with own_server(link_ttl=60, clock=clock) as short:
        url = one_url(short)
        assert httpx.get(url).status_code == 200
        clock.move_past(link_exp(url))
        res = httpx.get(url)
        assert res.status_code == 403 and res.json()["error"]
        assert short.stats()["downloads"] == 2  # refused downloads are counted too


def test_expiry_is_about_the_ttl_from_now(fake: FakeServer) -> None:
    import time

    before = time.time()
    exp = link_exp(one_url(fake))
    after = time.time()
    assert before + 3600 <= exp <= after + 3600 + 1  # rounded up to a whole second
