"""The client against the fake server on every image route, uploads included."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ideogram_fake import FakeServer
from ideovault.api import IdeogramClient, errors, parse_params
from ideovault.api.uploads import Upload
from tests.conftest import TEST_API_KEY
from tests.images import image_bytes

SQUARE = Upload.from_bytes(image_bytes(64, 64))
MASK = Upload.from_bytes(image_bytes(64, 64, color="black"), "the mask")


@pytest.fixture
def client(fake: FakeServer) -> Iterator[IdeogramClient]:
    with IdeogramClient(TEST_API_KEY, fake.base_url, max_retries=1, sleep=lambda _s: None) as c:
        yield c


@pytest.mark.parametrize(
    ("values", "endpoint", "resolution"),
    [
        ({"operation": "remix", "model": "V_2", "prompt": "x", "aspect_ratio": "16x9"},
         "/remix", "1312x736"),
        ({"operation": "remix", "prompt": "x", "image_weight": 10}, "/v1/ideogram-v3/remix", None),
        ({"operation": "remix", "model": "V_4", "prompt": "x", "resolution": "1024x1024"},
         "/v1/ideogram-v4/remix", "1024x1024"),
        ({"operation": "edit", "model": "V_2", "prompt": "x", "mask": MASK}, "/edit", "64x64"),
        ({"operation": "edit", "prompt": "x", "mask": MASK, "style_preset": "BAUHAUS"},
         "/v1/ideogram-v3/inpaint", "64x64"),
        ({"operation": "reframe", "model": "V_2", "resolution": "1280x720"}, "/reframe",
         "1280x720"),
        ({"operation": "reframe", "resolution": "1312x736"}, "/v1/ideogram-v3/reframe",
         "1312x736"),
        ({"operation": "replace-background", "prompt": "x"},
         "/v1/ideogram-v3/replace-background", "64x64"),
        ({"operation": "upscale", "resemblance": 80}, "/upscale", "128x128"),
    ],
)  # fmt: skip
def test_every_image_route(
    client: IdeogramClient, fake: FakeServer, values: dict[str, object], endpoint: str,
    resolution: str | None,
) -> None:  # fmt: skip
    response = client.generate(parse_params(image=SQUARE, seed=5, **values))
    (item,) = response.images
    assert item.seed == 5 and item.url
    if resolution:
        assert (item.upscaled_resolution or item.resolution) == resolution
    assert fake.stats()["calls_by_endpoint"] == {endpoint: 1}


def test_v4_generate_and_describe(client: IdeogramClient, fake: FakeServer) -> None:
    v4 = client.generate(parse_params(prompt="a lamp", model="V_4", seed=2))
    assert v4.images[0].style_type is None and v4.images[0].resolution
    described = client.describe(parse_params(operation="describe", image=SQUARE))
    assert described.texts and all(isinstance(t, str) for t in described.texts)
    assert fake.stats()["calls_by_endpoint"] == {"/v1/ideogram-v4/generate": 1, "/describe": 1}


def test_a_bad_key_on_legacy_remix_is_403_and_reported_as_the_key(fake: FakeServer) -> None:
    request = parse_params(operation="remix", model="V_2", prompt="x", image=SQUARE)
    with (
        IdeogramClient("wrong-key", fake.base_url, max_retries=0) as bad,
        pytest.raises(errors.KeyRejected, match="HTTP 403"),
    ):
        bad.generate(request)
