"""The client's rules and the fake's validation agree, route by route (issue 14).

The two are written apart on purpose: the fake answers as the API does (docs/ideogram-api.md),
so a client rule written wrong meets a 400 in the tests, not in production. This keeps them from
drifting silently: every request the client's rules accept is sent through the real client to
the fake over loopback and must be answered; every request they refuse is sent to the fake
as-is, bypassing the client's checks, and must be refused with a 400 there too.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from ideogram_fake import FakeConfig, FakeServer
from ideovault.api import IdeogramClient, enums, errors, rules
from ideovault.api.params import GenerateParams
from ideovault.api.wire import WireRequest, encode
from tests.contract.cases import POOLS, Case, cases, client_accepts, raw_params

KEY = "contract-key"
ROUTES = sorted(rules.ACCEPTS)


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeServer]:
    with FakeServer(FakeConfig(api_key=KEY, max_in_flight=1000)) as server:
        yield server


@pytest.fixture(scope="module")
def client(fake: FakeServer) -> Iterator[IdeogramClient]:
    with IdeogramClient(KEY, fake.base_url, max_retries=0, sleep=lambda _s: None) as c:
        yield c


@pytest.fixture(scope="module")
def raw(fake: FakeServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=fake.base_url, headers={"Api-Key": KEY}, timeout=30) as c:
        yield c


def test_every_field_has_values() -> None:
    """A field or operation the rules gain is tried here only once it has a pool of values."""
    named = set(rules.LABELS) | set().union(*rules.ACCEPTS.values())
    named |= {name for required in rules.REQUIRES.values() for name in required}
    assert named - set(POOLS) == set()
    assert {op for op, _family in rules.ACCEPTS} == set(rules.OPERATIONS) == set(rules.REQUIRES)


def _send(client: IdeogramClient, params: GenerateParams) -> None:
    if params.operation == "describe" and params.family == "v4":
        client.describe_json(params)
    elif params.operation == "describe":
        client.describe(params)
    else:
        client.generate(params)


def _post(raw: httpx.Client, params: GenerateParams) -> httpx.Response:
    wire = encode(params)
    if wire.json is not None:
        return raw.post(wire.path, json=wire.json)
    return raw.post(wire.path, files=wire.parts)


def _check(case: Case, client: IdeogramClient, raw: httpx.Client) -> str | None:
    """None when the fake agrees with the client on this case, else what went wrong."""
    params = client_accepts(case.values)
    if params is not None:
        try:
            _send(client, params)
        except errors.ApiError as exc:
            return f"the client accepts but the fake refuses ({exc}): {case}"
        return None
    if _own_cap(case):
        return None
    refused = raw_params(case.values)
    try:
        wire = encode(refused)
    except KeyError:  # no route for this operation and model: nothing could be sent
        return None
    if wire == encode(raw_params(case.base)) or _accepted_twin(case, wire):
        return None  # what reaches the API cannot be told from a request the client sends
    answer = _post(raw, refused)
    if answer.status_code != 400:
        return f"the client refuses but the fake answers {answer.status_code}: {case}"
    return None


def _own_cap(case: Case) -> bool:
    """Where the client is stricter than the API on purpose (``api/enums.py`` marks its own
    caps): the API bounds style references only by their total size (docs/ideogram-api.md §1).
    """
    return len(case.values.get("style_reference_images") or ()) > enums.MAX_STYLE_REFERENCES


def _accepted_twin(case: Case, wire: WireRequest) -> bool:
    """True if another model makes a request the client accepts with this very wire form: a
    model name the routes never send (V3 and V4 choose the model by URL) cannot be refused by
    the API."""
    for patch in POOLS["model"]:
        twin = client_accepts({**case.values, **patch})
        if twin is not None and encode(twin) == wire:
            return True
    return False


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r[0]}-{r[1]}")
def test_the_fake_agrees_with_the_client(
    route: tuple[str, str], client: IdeogramClient, raw: httpx.Client
) -> None:
    disagreements = [d for case in cases(route) if (d := _check(case, client, raw))]
    assert disagreements == [], "\n".join(disagreements[:30])
