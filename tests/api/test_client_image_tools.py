"""The client against the fake on the four newer /v1 routes, including the two answers that
are not image lists (§2.2) and /v1/edit's 402 and 503 (§7)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ideogram_fake import FakeServer
from ideovault.api import IdeogramClient, errors, parse_params
from ideovault.api.uploads import Upload
from tests.conftest import TEST_API_KEY
from tests.images import image_bytes

SQUARE = Upload.from_bytes(image_bytes(64, 64))
WIDE = Upload.from_bytes(image_bytes(96, 64))


@pytest.fixture
def client(fake: FakeServer) -> Iterator[IdeogramClient]:
    with IdeogramClient(TEST_API_KEY, fake.base_url, max_retries=1, sleep=lambda _s: None) as c:
        yield c


def test_transparent(client: IdeogramClient, fake: FakeServer) -> None:
    request = parse_params(
        operation="generate-transparent", prompt="a logo", seed=2, upscale_factor="X2",
        aspect_ratio="3x1", rendering_speed="QUALITY",
    )  # fmt: skip
    (item,) = client.generate(request).images
    assert (item.resolution, item.upscaled_resolution, item.seed) == ("1536x512", "3072x1024", 2)
    assert request.expected_resolution == item.upscaled_resolution
    assert fake.stats()["calls_by_endpoint"] == {"/v1/ideogram-v3/generate-transparent": 1}


def test_remove_background_is_read_with_the_input_size(client: IdeogramClient) -> None:
    response = client.generate(parse_params(operation="remove-background", image=WIDE))
    (item,) = response.images
    assert item.url and item.seed is None and item.prompt == "" and item.resolution == "96x64"
    assert set(response.raw["data"][0]) == {"url", "is_image_safe"}


def test_layerize_text_as_an_image_and_as_blocks(client: IdeogramClient) -> None:
    request = parse_params(operation="layerize-text", image=SQUARE, prompt="OPEN\nDaily", seed=6)
    answer = client.layerize_text(request)
    assert answer.seed == 6 and answer.text == "OPEN\nDaily"
    (item,) = client.generate(request).images
    assert item.url and item.seed == 6 and item.resolution == "64x64"
    with pytest.raises(ValueError, match="layerize-text request"):
        client.layerize_text(parse_params(prompt="x"))


def test_instruct_and_its_402_and_503(client: IdeogramClient, fake: FakeServer) -> None:
    request = parse_params(operation="instruct", prompt="night", images=(WIDE, SQUARE), seed=1,
                           num_images=2)  # fmt: skip
    items = client.generate(request).images
    assert [(i.resolution, i.seed) for i in items] == [("96x64", 1)] * 2
    fake.inject("payment_required")
    with pytest.raises(errors.PaymentRequired, match="insufficient_funds"):
        client.generate(request)
    fake.inject("unavailable", times=2)
    with pytest.raises(errors.ServerError, match="HTTP 503"):
        client.generate(request)
    assert fake.stats()["calls_by_endpoint"] == {"/v1/edit": 4}
