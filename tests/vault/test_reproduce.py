"""Reproduction: the same route, model, parameters, inputs and seed; linked and tagged; an
honest answer about the bytes; a clear refusal when there is nothing to reproduce."""

from __future__ import annotations

from pathlib import Path

import pytest

from ideogram_fake import FakeServer
from ideovault.catalog.records import ImageStatus
from ideovault.errors import UserError
from ideovault.vault import Vault
from ideovault.vault.sending import SendOptions
from tests.images import image_file


def test_reproduce_sends_the_same_request_with_the_recorded_seed(
    vault: Vault, fake: FakeServer
) -> None:
    # No seed asked: the API chose one per image, and each image recorded it.
    first, second = vault.generations.generate(
        "a lighthouse", num_images=2, aspect_ratio="16x9", style_type="DESIGN"
    )
    result = vault.generations.reproduce(second.id)
    (new,) = result.images
    assert not result.reused and new.id != second.id
    assert new.parent_id == second.id and "reproduced" in new.tags
    assert (new.seed, new.aspect_ratio, new.style_type) == (second.seed, "16x9", "DESIGN")
    request = vault.context.catalog.generations.get(new.generation_id).request
    assert request["seed"] == second.seed and request["num_images"] == 1
    # The fake draws from (prompt, seed, size, place in the answer): the second image of a
    # two-image answer comes out differently alone — the honest answer is "differs".
    assert result.identical is False
    assert vault.generations.reproduce(first.id).identical is True
    assert fake.stats()["generate_calls"] == 3


def test_a_seeded_request_is_answered_from_the_vault_unless_forced(
    vault: Vault, fake: FakeServer
) -> None:
    (original,) = vault.generations.generate("a harbour", seed=11)
    again = vault.generations.reproduce(original.id)
    assert again.reused and again.images == [original]
    assert fake.stats()["generate_calls"] == 1
    forced = vault.generations.reproduce(original.id, options=SendOptions(force=True))
    assert not forced.reused and forced.images[0].parent_id == original.id
    assert fake.stats()["generate_calls"] == 2


def test_reproduce_a_remix_sends_its_input_again(vault: Vault, tmp_path: Path) -> None:
    photo = image_file(tmp_path, "photo.png", 80, 80)
    (remixed,) = vault.generations.remix(photo, "as a painting", image_weight=30)
    result = vault.generations.reproduce(remixed.id)
    (new,) = result.images
    generation = vault.context.catalog.generations.get(new.generation_id)
    assert generation.endpoint == "/v1/ideogram-v3/remix"
    assert generation.request["image"]["image_id"] == remixed.parent_id
    assert generation.request["image_weight"] == 30


def test_style_references_are_recorded_and_sent_again(vault: Vault, tmp_path: Path) -> None:
    ref = image_file(tmp_path, "ref.png", 32, 32, color="blue")
    (image,) = vault.generations.generate(
        "a vase",
        style_reference_images=[ref],
        style_preset="BAUHAUS",
        color_palette={"name": "EMBER"},
    )
    request = vault.context.catalog.generations.get(image.generation_id).request
    (saved,) = request["style_reference_images"]
    assert vault.images.get(saved["image_id"]).operation == "upload"
    assert request["style_preset"] == "BAUHAUS" and request["color_palette"] == {"name": "EMBER"}
    new = vault.generations.reproduce(image.id).images[0]
    again = vault.context.catalog.generations.get(new.generation_id).request
    assert again["style_reference_images"] == request["style_reference_images"]
    assert again["color_palette"] == {"name": "EMBER"}


def test_records_that_cannot_be_reproduced_say_why(vault: Vault, tmp_path: Path) -> None:
    photo = image_file(tmp_path, "photo.png")
    (up,) = vault.generations.upscale(photo)
    assert up.parent_id is not None
    with pytest.raises(UserError, match="made by upload, not by the API"):
        vault.generations.reproduce(up.parent_id)
    # An image whose seed is unknown (imported from elsewhere without one).
    folder = tmp_path / "old"
    folder.mkdir()
    image_file(folder, "old.png", 40, 40)
    (imported,) = vault.upkeep.import_path(folder).imported
    with pytest.raises(UserError, match="made by import"):
        vault.generations.reproduce(imported)


def test_a_purged_input_makes_reproduction_refuse_clearly(vault: Vault, tmp_path: Path) -> None:
    photo = image_file(tmp_path, "photo.png")
    (remixed,) = vault.generations.remix(photo, "x")
    assert remixed.parent_id is not None
    vault.upkeep.trash([remixed.parent_id])
    vault.upkeep.purge(everything=True)
    with pytest.raises(UserError, match="has been deleted from the vault"):
        vault.generations.reproduce(remixed.id)
    assert vault.images.get(remixed.id).status == ImageStatus.STORED
