"""The REST API as a hostile input channel: deep, odd and wrongly typed JSON bodies on every
changing route, served for real on loopback. Each answer is a 4xx with a JSON detail, never a
500, and the server keeps serving."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ideogram_fake import FakeServer
from ideovault.config import load_settings
from ideovault.vault import Vault
from ideovault.web import WebSettings, create_app
from ideovault.web.serve import ServerThread
from tests.conftest import TEST_API_KEY
from tests.hostile.conftest import INPUTS
from tests.hostile.crafted import deep_json, deep_object

CHANGE = {"X-Ideovault-Request": "1", "Content-Type": "application/json"}
ROUTES = [
    "/api/generate",
    "/api/images/{id}/tags",
    "/api/images/{id}/star",
    "/api/images/{id}/reproduce",
    "/api/images/{id}/trash",
]


@pytest.fixture(scope="module")
def api(
    tmp_path_factory: pytest.TempPathFactory, fake_api: FakeServer
) -> Iterator[tuple[httpx.Client, str]]:
    home = tmp_path_factory.mktemp("web") / "home"
    settings_ = load_settings(home=home, env={}).with_overrides(
        api_key=TEST_API_KEY, base_url=fake_api.base_url, retry_backoff=0.01
    )
    with Vault.open(settings=settings_) as vault:
        (image,) = vault.generations.generate("a fox", seed=7)
        with (
            ServerThread(create_app(vault, WebSettings(port=0))) as server,
            httpx.Client(base_url=server.url, timeout=30) as client,
        ):
            yield client, image.id


def _post(api: tuple[httpx.Client, str], route: str, body: bytes) -> httpx.Response:
    client, image_id = api
    INPUTS["web API"] += 1
    response = client.post(route.format(id=image_id), content=body, headers=CHANGE)
    assert response.status_code < 500, (route, response.status_code, response.text[:300])
    assert "Traceback" not in response.text
    return response


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("levels", [65, 10_000, 300_000])
def test_deep_bodies_are_refused_not_crashed(
    api: tuple[httpx.Client, str], route: str, levels: int
) -> None:
    for body in (deep_json(levels), deep_object(levels), '{"prompt": ' + deep_json(levels) + "}"):
        response = _post(api, route, body.encode())
        if not route.endswith("/trash"):  # trash takes no body and ignores one
            assert 400 <= response.status_code < 500


@pytest.mark.parametrize("route", ROUTES)
def test_odd_bodies(api: tuple[httpx.Client, str], route: str) -> None:
    for body in [
        b"",
        b"null",
        b"[]",
        b"1e999",
        b'{"prompt": NaN}',
        b"\xff\xfe",
        b'{"a":1}' * 3,
        b'{"prompt": "\\u0000"}',
        b'{"prompt": "a", "max_usd": -1}',
        b'{"prompt": "a", "max_usd": 1e999}',
        b'{"add": "abc"}',
        b'{"starred": "no"}',
        b'{"prompt": "a", "params": {"num_images": 1e30}}',
    ]:
        _post(api, route, body)


def test_a_non_finite_budget_is_refused(api: tuple[httpx.Client, str]) -> None:
    for value in ("-1", "1e999", "-1e999"):
        body = f'{{"prompt": "a fox", "max_usd": {value}, "dry_run": true}}'.encode()
        assert _post(api, "/api/generate", body).status_code in (400, 422)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    route=st.sampled_from(ROUTES),
    body=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "prompt",
                        "params",
                        "tags",
                        "max_usd",
                        "force",
                        "dry_run",
                        "add",
                        "remove",
                        "starred",
                        "x",
                    ]
                ),
                inner,
                max_size=4,
            )
        ),
        max_leaves=10,
    ),
)
def test_fuzzed_bodies(api: tuple[httpx.Client, str], route: str, body: object) -> None:
    if isinstance(body, dict) and route == "/api/generate":
        body["dry_run"] = True  # never spend on the fuzz: the checks run before any call
    _post(api, route, json.dumps(body).encode())


def test_the_server_still_answers(api: tuple[httpx.Client, str], tmp_path: Path) -> None:
    client, image_id = api
    assert client.get(f"/api/images/{image_id}").json()["status"] == "stored"
