"""The client against the fake server over loopback: encodings, retries, error mapping."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest

from ideogram_fake import FakeServer
from ideovault.api import IdeogramClient, errors, parse_params
from ideovault.api.responses import GenerateResponse
from tests.conftest import TEST_API_KEY
from tests.waiting import wait_for

KEY = TEST_API_KEY


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def client(fake: FakeServer, sleeps: Sleeps) -> Iterator[IdeogramClient]:
    with IdeogramClient(KEY, fake.base_url, max_retries=3, sleep=sleeps) as c:
        yield c


def test_v3_generate(client: IdeogramClient, fake: FakeServer) -> None:
    res = client.generate(parse_params(prompt="fox", num_images=2, seed=9, aspect_ratio="16x9"))
    assert [i.seed for i in res.images] == [9, 9]
    assert res.images[0].resolution == "1312x736"
    assert res.images[0].url_expires_at is not None and res.created.tzinfo is not None
    assert res.raw["data"][0]["seed"] == 9
    assert fake.stats()["calls_by_endpoint"] == {"/v1/ideogram-v3/generate": 1}


def test_legacy_generate(client: IdeogramClient, fake: FakeServer) -> None:
    res = client.generate(parse_params(prompt="fox", model="V_2_TURBO", style_type="ANIME"))
    assert res.images[0].style_type == "ANIME"
    assert fake.stats()["calls_by_endpoint"] == {"/generate": 1}


def test_wire_format_is_multipart_with_api_key_header() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"created": "2026-01-01T00:00:00+00:00", "data": []})

    client = IdeogramClient(KEY, "https://api.test", transport=httpx.MockTransport(handler))
    client.generate(parse_params(prompt="fox", style_codes=["aaff5733", "00112233"]))
    (request,) = seen
    assert request.headers["Api-Key"] == KEY and "Authorization" not in request.headers
    assert request.headers["Content-Type"].startswith("multipart/form-data")
    body = request.read().decode()
    assert body.count('name="style_codes"') == 2 and "AAFF5733" in body
    assert KEY not in repr(client)


def test_missing_key_sends_nothing(fake: FakeServer) -> None:
    with pytest.raises(errors.MissingKey):
        IdeogramClient(None, fake.base_url).generate(parse_params(prompt="x"))
    assert fake.stats()["generate_calls"] == 0


def test_rejected_key_is_not_echoed(fake: FakeServer) -> None:
    wrong = "sk-wrong-Qz9-must-not-appear"
    with pytest.raises(errors.KeyRejected) as info:
        IdeogramClient(wrong, fake.base_url).generate(parse_params(prompt="x"))
    assert wrong not in str(info.value) and wrong not in repr(info.value)
    assert info.value.status == 401 and "IDEOGRAM_API_KEY" in str(info.value)


def test_safety_rejection(client: IdeogramClient) -> None:
    with pytest.raises(errors.SafetyRejected, match="failed safety check"):
        client.generate(parse_params(prompt="UNSAFE_PROMPT"))


def test_bad_request_detail_is_surfaced(fake: FakeServer) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, json={"type": "about:blank", "title": "Bad", "detail": "no way"})

    client = IdeogramClient(KEY, "https://api.test", transport=httpx.MockTransport(handler))
    with pytest.raises(errors.RequestRejected, match="no way") as info:
        client.generate(parse_params(prompt="x"))
    assert info.value.exit_code == 2


def test_429_honours_retry_after(client: IdeogramClient, fake: FakeServer, sleeps: Sleeps) -> None:
    fake.inject("rate_limit", times=2, retry_after=0.25)
    assert client.generate(parse_params(prompt="x")).images
    assert sleeps == [0.25, 0.25]
    assert fake.stats()["generate_calls"] == 3


def test_429_without_retry_after_backs_off(
    client: IdeogramClient, fake: FakeServer, sleeps: Sleeps
) -> None:
    fake.inject("rate_limit", times=2, retry_after=None)
    client.generate(parse_params(prompt="x"))
    assert len(sleeps) == 2 and all(0 <= s <= 2 for s in sleeps)


def test_429_exhausted(client: IdeogramClient, fake: FakeServer) -> None:
    fake.inject("rate_limit", times=10, retry_after=0.01)
    with pytest.raises(errors.RateLimited, match="inflight_limit"):
        client.generate(parse_params(prompt="x"))
    assert fake.stats()["generate_calls"] == 4


def test_503_retried_then_ok(client: IdeogramClient, fake: FakeServer) -> None:
    fake.inject("unavailable", times=2)
    assert client.generate(parse_params(prompt="x")).images


def test_500_exhausted(client: IdeogramClient, fake: FakeServer) -> None:
    fake.inject("server_error", times=10)
    with pytest.raises(errors.ServerError) as info:
        client.generate(parse_params(prompt="x"))
    assert info.value.billed == "no"


def test_dropped_connection_is_never_retried(client: IdeogramClient, fake: FakeServer) -> None:
    fake.inject("drop")
    with pytest.raises(errors.OutcomeUnknown) as info:
        client.generate(parse_params(prompt="x"))
    assert info.value.billed == "unknown"
    assert fake.stats()["generate_calls"] == 1


def test_read_timeout_is_outcome_unknown(fake: FakeServer) -> None:
    fake.inject("slow_generate", seconds=2)
    client = IdeogramClient(KEY, fake.base_url, timeout=0.3)
    with pytest.raises(errors.OutcomeUnknown, match="may have run"):
        client.generate(parse_params(prompt="x"))
    # The client gave up waiting; on a busy machine the fake may count the call just after.
    wait_for(lambda: fake.stats()["generate_calls"] >= 1, what="the call reaching the fake")
    assert fake.stats()["generate_calls"] == 1  # and it was not sent again


def test_connection_refused_is_retried_then_reported(sleeps: Sleeps) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = IdeogramClient(KEY, f"http://127.0.0.1:{port}", max_retries=2, sleep=sleeps)
    with pytest.raises(errors.ConnectFailed, match="could not connect") as info:
        client.generate(parse_params(prompt="x"))
    assert len(sleeps) == 2 and info.value.billed == "no"


def test_download(client: IdeogramClient, fake: FakeServer) -> None:
    (item,) = client.generate(parse_params(prompt="x", seed=1)).images
    assert item.url
    with client.download(item.url) as dl:
        data = b"".join(dl.iter_bytes())
        assert dl.content_type == "image/png" and dl.content_length == len(data)
    assert data == httpx.get(item.url).content
    fake.inject("expire")
    with pytest.raises(errors.LinkExpired), client.download(item.url):
        pass
    fake.inject("truncate")
    with pytest.raises(errors.DownloadFailed), client.download(item.url) as dl:
        b"".join(dl.iter_bytes())


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[]", b'{"created": "2026-01-01T00:00:00Z"}', b'{"created": 5, "data": [{}]}'],
)
def test_malformed_answers_are_bad_response(body: bytes) -> None:
    transport = httpx.MockTransport(lambda r: httpx.Response(200, content=body))
    client = IdeogramClient(KEY, "https://api.test", transport=transport)
    with pytest.raises(errors.BadResponse):
        client.generate(parse_params(prompt="x"))


def test_tolerant_parsing_of_optional_and_extra_fields() -> None:
    parsed = GenerateResponse.parse(
        {
            "created": "2024-12-15T17:32:00.965408+00:00",
            "response_type": "url",
            "data": [
                {"url": "", "prompt": "p", "resolution": "1x1", "is_image_safe": False, "seed": 1,
                 "new_field": {"x": 1}},
            ],
        }
    )  # fmt: skip
    assert parsed.images[0].url is None and parsed.images[0].style_type is None
    assert parsed.raw["response_type"] == "url"
