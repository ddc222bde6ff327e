"""generate-transparent, remove-background, layerize-text and instruct through the vault against
the fake: records, parents, costs, text blocks kept and searchable, reproduction."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from ideogram_fake import FakeServer
from ideovault.catalog.records import ImageStatus
from ideovault.errors import UserError
from ideovault.vault import Vault
from ideovault.vault.sending import SendOptions
from tests.images import image_file


def _stored(vault: Vault, prompt: str = "a red fox") -> str:
    (record,) = vault.generations.generate(prompt, seed=7)
    assert record.status == ImageStatus.STORED
    return record.id


def test_transparent_records_the_final_size_and_the_factor_price(vault: Vault) -> None:
    outs = vault.generations.generate_transparent(
        "a fox sticker",
        upscale_factor="X2",
        aspect_ratio="16x9",
        rendering_speed="TURBO",
        num_images=2,
        seed=4,
    )
    assert [o.status for o in outs] == [ImageStatus.STORED] * 2
    first = outs[0]
    assert first.resolution == "2624x1472" and (first.width, first.height) == (2624, 1472)
    assert first.operation == "generate-transparent" and first.model == "V_3"
    assert first.mime == "image/png" and first.local_path is not None
    with Image.open(first.local_path) as image:
        assert image.mode == "RGBA"
    generation = vault.context.catalog.generations.get(first.generation_id)
    assert generation.endpoint == "/v1/ideogram-v3/generate-transparent"
    assert generation.request["upscale_factor"] == "X2" and generation.cost_usd == 0.32
    (plain,) = vault.generations.generate_transparent("a fox sticker")
    assert (
        vault.context.catalog.generations.get(plain.generation_id).cost_usd == 0.07
    )  # X1, DEFAULT
    again = vault.generations.reproduce(first.id, options=SendOptions(force=True))
    assert again.identical is True and again.images[0].resolution == "2624x1472"


def test_transparent_refuses_flash_before_any_call(vault: Vault, fake: FakeServer) -> None:
    with pytest.raises(UserError, match="generate-transparent does not take FLASH"):
        vault.generations.generate_transparent("x", rendering_speed="FLASH")
    assert fake.stats()["generate_calls"] == 0


def test_remove_background_inherits_the_prompt_and_keeps_the_size(vault: Vault) -> None:
    source = _stored(vault)
    (out,) = vault.generations.remove_background(source)
    assert out.status == ImageStatus.STORED and out.parent_id == source
    assert out.prompt == "a red fox" and out.expanded_prompt is None
    assert out.seed is None and out.resolution == "1024x1024" and out.model == "REMOVE_BACKGROUND"
    generation = vault.context.catalog.generations.get(out.generation_id)
    assert generation.endpoint == "/v1/remove-background" and generation.cost_usd == 0.01
    again = vault.generations.reproduce(
        out.id
    )  # no seed to repeat: the same input is the whole request
    assert again.reused is False and again.identical is True
    assert again.images[0].parent_id == out.id


def test_layerize_keeps_the_text_blocks_searchable(vault: Vault, tmp_path: Path) -> None:
    poster = image_file(tmp_path, "poster.png", 80, 40)
    (out,) = vault.generations.layerize_text(poster, "MIDNIGHT BAZAAR\nevery friday", seed=3)
    assert out.status == ImageStatus.STORED and out.operation == "layerize-text"
    assert out.resolution == "80x40" and out.seed == 3 and out.parent_id is not None
    assert vault.images.get(out.parent_id).operation == "upload"
    (entry,) = out.descriptions or []
    assert entry["format"] == "layerize" and entry["text"] == "MIDNIGHT BAZAAR\nevery friday"
    assert [b["text"] for b in entry["text_blocks"]] == ["MIDNIGHT BAZAAR", "every friday"]
    assert [r.id for r in vault.images.search("bazaar").records] == [out.id]
    generation = vault.context.catalog.generations.get(out.generation_id)
    assert generation.cost_usd == 0.09 and generation.endpoint == "/v1/ideogram-v3/layerize-text"
    stored = vault.images.get(out.id)
    assert stored.descriptions == out.descriptions  # on the record, not only in the answer


def test_instruct_records_every_input_and_the_first_as_parent(vault: Vault, tmp_path: Path) -> None:
    first = _stored(vault)
    second = image_file(tmp_path, "second.jpg", 48, 48, "JPEG")
    outs = vault.generations.instruct(
        [first, second],
        "put the fox in the second picture",
        num_images=2,
        seed=5,
        transparent_background=True,
    )
    assert [o.parent_id for o in outs] == [first, first]
    assert outs[0].operation == "instruct" and outs[0].model == "EDIT_INSTRUCT"
    assert outs[0].resolution == "1024x1024" and outs[0].prompt.startswith("put the fox")
    generation = vault.context.catalog.generations.get(outs[0].generation_id)
    assert generation.endpoint == "/v1/edit" and generation.cost_usd == 0.40
    ids = [i["image_id"] for i in generation.request["images"]]
    assert ids[0] == first and vault.images.get(ids[1]).operation == "upload"
    assert generation.request["transparent_background"] is True
    again = vault.generations.reproduce(outs[0].id, options=SendOptions(force=True))
    assert again.identical is True
    assert (
        vault.context.catalog.generations.get(again.images[0].generation_id).request["images"]
        == (generation.request["images"])
    )


def test_instruct_refusals_cost_nothing(vault: Vault, fake: FakeServer, tmp_path: Path) -> None:
    photo = image_file(tmp_path, "p.png")
    with pytest.raises(UserError, match="instruct needs input images"):
        vault.generations.instruct([], "x")
    with pytest.raises(UserError, match="at most 10 input images, not 11"):
        vault.generations.instruct([photo] * 11, "x")
    with pytest.raises(UserError, match="neither a file nor an image id"):
        vault.generations.instruct([photo, "../../etc/nope"], "x")
    with pytest.raises(UserError, match="instruct needs a prompt"):
        vault.generations.instruct([photo], "")
    assert fake.stats()["generate_calls"] == 0
    assert vault.images.search("tag:uploaded").records == []


def test_a_402_is_recorded_as_failed_and_not_billed(vault: Vault, fake: FakeServer) -> None:
    from ideovault.api.errors import PaymentRequired

    source = _stored(vault)
    fake.inject("payment_required")
    with pytest.raises(PaymentRequired):
        vault.generations.instruct([source], "x")
    (failed,) = [g for g in vault.context.catalog.generations.list() if g.operation == "instruct"]
    assert failed.status.value == "failed" and "insufficient_funds" in (failed.error or "")


def test_the_new_operations_are_search_filters(vault: Vault) -> None:
    source = _stored(vault)
    (cut,) = vault.generations.remove_background(source)
    (clear,) = vault.generations.generate_transparent("a sticker", seed=1)
    assert [r.id for r in vault.images.search("op:remove-background").records] == [cut.id]
    assert [r.id for r in vault.images.search("op:generate-transparent").records] == [clear.id]
    assert (
        vault.images.search("op:instruct").records
        == vault.images.search("op:layerize-text").records
        == []
    )
