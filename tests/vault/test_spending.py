"""Dedupe of identical requests, dry runs, recorded costs and budgets — before any call."""

from __future__ import annotations

import pytest

from ideogram_fake import FakeServer
from ideovault.errors import UserError
from ideovault.vault import Vault
from ideovault.vault.sending import SendOptions


def test_seeded_repeat_is_served_from_the_vault(vault: Vault, fake: FakeServer) -> None:
    first = vault.generations.generate("a lighthouse", seed=5, aspect_ratio="16:9")
    again = vault.generations.generate(
        "  a lighthouse", seed=5, aspect_ratio="ASPECT_16_9"
    )  # same request
    assert [r.id for r in again] == [r.id for r in first]
    assert fake.stats()["generate_calls"] == 1
    forced = vault.generations.generate(
        "a lighthouse", seed=5, aspect_ratio="16x9", options=SendOptions(force=True)
    )
    assert forced[0].id != first[0].id and fake.stats()["generate_calls"] == 2


def test_dedupe_policies(vault: Vault, fake: FakeServer) -> None:
    vault.generations.generate("no seed given")
    vault.generations.generate("no seed given")  # seeded policy: unseeded requests are always sent
    assert fake.stats()["generate_calls"] == 2
    vault.generations.generate("no seed given", options=SendOptions(dedupe="always"))
    assert fake.stats()["generate_calls"] == 2
    vault.generations.generate("seeded", seed=1)
    vault.generations.generate("seeded", seed=1, options=SendOptions(dedupe="never"))
    assert fake.stats()["generate_calls"] == 4
    with pytest.raises(UserError, match="--dedupe must be one of"):
        vault.generations.generate("x", options=SendOptions(dedupe="sometimes"))


def test_trashed_results_are_not_reused(vault: Vault, fake: FakeServer) -> None:
    (first,) = vault.generations.generate("gone", seed=2)
    vault.upkeep.trash([first.id])
    (second,) = vault.generations.generate("gone", seed=2)
    assert second.id != first.id and fake.stats()["generate_calls"] == 2


def test_quote_and_recorded_cost(vault: Vault, fake: FakeServer) -> None:
    offer = vault.generations.quote("priced", num_images=3, rendering_speed="TURBO")
    assert offer.estimated_usd == 0.09 and offer.usd_per_image == 0.03
    assert offer.endpoint == "/v1/ideogram-v3/generate" and "api_key" not in str(offer.request)
    assert fake.stats()["generate_calls"] == 0
    records = vault.generations.generate(
        "priced UNSAFE_IMAGE", num_images=3, rendering_speed="TURBO"
    )
    generation = vault.context.catalog.generations.get(records[0].generation_id)
    assert generation.cost_usd == 0.09  # the withheld image is billed too


def test_budgets_refuse_before_any_call(vault: Vault, fake: FakeServer) -> None:
    with pytest.raises(UserError, match="over --budget"):
        vault.generations.generate(
            "too dear", model="V_2", num_images=2, options=SendOptions(max_usd=0.10)
        )
    vault.context.settings.extra["budget"] = {"daily_usd": 0.20}
    vault.generations.generate("cheap enough", model="V_2", num_images=2)  # 0.16
    with pytest.raises(UserError, match=r"daily budget: \$0.16 of \$0.20"):
        vault.generations.generate("one more", model="V_2")
    assert fake.stats()["generate_calls"] == 1
    vault.context.settings.extra["budget"] = {"monthly_usd": "lots"}
    with pytest.raises(UserError, match="must be a number"):
        vault.generations.generate("bad config")
