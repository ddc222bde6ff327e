"""The OpenAPI document fuzzed with schemathesis over real HTTP: valid and invalid input for
every operation, and never a 500; valid answers match the schema the document promises.

The operations are driven with Hypothesis directly (schemathesis' pytest plugin does not load
under this pytest), one operation and one generation mode at a time.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance

from ideogram_fake import FakeServer
from ideovault.web import WebSettings, create_app
from ideovault.web.serve import ServerThread
from tests.web.conftest import CHANGE, open_vault

EXAMPLES = 30


@pytest.fixture(scope="module")
def fuzzed_server(
    tmp_path_factory: pytest.TempPathFactory, fake_api: FakeServer
) -> Iterator[ServerThread]:
    with (
        open_vault(tmp_path_factory.mktemp("fuzz") / "home", fake_api) as vault,
        ServerThread(create_app(vault, WebSettings())) as running,
    ):
        yield running


def operations(url: str) -> list[schemathesis.schemas.APIOperation]:
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_server_errors(fuzzed_server: ServerThread, mode: GenerationMode) -> None:
    ops = operations(fuzzed_server.url)
    assert len(ops) >= 10
    checks = [not_a_server_error]
    if mode == GenerationMode.POSITIVE:
        checks.append(response_schema_conformance)
    for operation in ops:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: schemathesis.Case) -> None:
            case.call_and_validate(base_url=fuzzed_server.url, headers=CHANGE, checks=checks)

        try:
            run()
        except Unsatisfiable:
            # Nothing invalid can be written for it (e.g. one free-text path parameter):
            # schemathesis' negative mode has no case to send, so there is nothing to check.
            assert mode == GenerationMode.NEGATIVE
        except Exception as exc:
            raise AssertionError(f"{operation.label} ({mode.value}): {exc}") from exc
