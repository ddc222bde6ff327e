"""Semantic prompt search with the offline MiniLM model (the `semantic` extra)."""

from __future__ import annotations

import os
import sys

import pytest

from ideovault.errors import MissingExtra, UserError
from ideovault.vault import Vault, semantic


@pytest.fixture
def needs_model() -> None:
    if not semantic.available():
        if os.environ.get("CI") == "true":
            pytest.fail("the semantic extra must be installed under CI (make test does it)")
        pytest.skip("semantic extra not installed")


def test_ranks_by_meaning_not_words(vault: Vault, needs_model: None) -> None:
    cafe = vault.generations.generate(
        "cozy autumn cafe interior with warm lights", magic_prompt="OFF"
    )
    coffee = vault.generations.generate("a coffee shop in fall, people reading", magic_prompt="OFF")
    rocket = vault.generations.generate("rocket launching into space at night", magic_prompt="OFF")
    assert vault.upkeep.backfill().embedded == 3
    matches = vault.images.semantic("warm coffeehouse on an october afternoon", limit=3)
    order = [m.record.id for m in matches]
    assert set(order[:2]) == {cafe[0].id, coffee[0].id}
    assert order[2] == rocket[0].id
    assert matches[0].score > matches[2].score + 0.2
    # no shared words with the query: full-text search finds nothing
    assert vault.images.search("coffeehouse october").records == []


def test_trashed_images_are_left_out_and_backfill_embeds(vault: Vault, needs_model: None) -> None:
    (a,) = vault.generations.generate("a lighthouse in a storm", magic_prompt="OFF")
    (b,) = vault.generations.generate("lighthouse at sunset", magic_prompt="OFF")
    assert semantic.queued(vault.context) == 2
    assert vault.images.semantic("beacon on the coast") == []  # a search never embeds
    assert vault.upkeep.backfill().embedded == 2
    assert vault.upkeep.backfill().embedded == 0
    assert semantic.queued(vault.context) == 0
    vault.upkeep.trash([b.id])
    assert [m.record.id for m in vault.images.semantic("beacon on the coast")] == [a.id]


def test_images_are_embedded_as_they_are_stored(vault: Vault, needs_model: None) -> None:
    vault.context.settings.extra["semantic"] = {"embed_on_store": True}
    vault.generations.generate("a lighthouse in a storm", magic_prompt="OFF", num_images=2)
    assert semantic.queued(vault.context) == 0
    assert vault.upkeep.backfill().embedded == 0


def test_the_index_ranks_like_the_paged_exact_scan(
    vault: Vault, needs_model: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    prompts = ["a red fox", "a fox in snow", "rocket launch", "tea cup", "foxes playing",
               "a city at night", "an orange fox cub"]  # fmt: skip
    for prompt in prompts:
        vault.generations.generate(prompt, magic_prompt="OFF")
    vault.upkeep.backfill()
    found = [(m.record.id, m.score) for m in vault.images.semantic("fox", limit=4)]
    monkeypatch.setattr(semantic, "PAGE", 2)  # four pages, the best spread over them
    exact = semantic.exact_top(vault.context, semantic.embed(["fox"])[0], 4)
    assert [i for i, _ in found] == [i for i, _ in exact]
    assert [s for _, s in found] == pytest.approx([s for _, s in exact], abs=1e-4)
    assert len(found) == 4


def test_empty_query_and_limits(vault: Vault, needs_model: None) -> None:
    with pytest.raises(UserError, match="some text"):
        vault.images.semantic("   ")
    with pytest.raises(UserError, match="limit"):
        vault.images.semantic("x", limit=0)


def test_without_the_extra_says_how_to_install(vault: Vault, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # import fails: not installed
    semantic._model.cache_clear()
    vault.generations.generate("anything", magic_prompt="OFF")
    with pytest.raises(MissingExtra, match=r"pip install 'ideovault\[semantic\]'"):
        vault.images.semantic("anything")
    semantic._model.cache_clear()


def test_one_image_is_embedded_as_it_is_stored(vault: Vault, needs_model: None) -> None:
    vault.context.settings.extra["semantic"] = {"embed_on_store": True}
    vault.generations.generate("a lighthouse in a storm", magic_prompt="OFF", num_images=1)
    assert semantic.queued(vault.context) == 0


def test_the_embedder_works_the_queue_in_the_background(vault: Vault, needs_model: None) -> None:
    """What `ideovault worker` runs beside its batches: the queue empties without a backfill,
    and a second embedder on the same catalog (another worker) finds nothing left to do."""
    import threading

    from ideovault.vault.embedder import Embedder

    (a,) = vault.generations.generate("a lighthouse in a storm", magic_prompt="OFF")
    vault.generations.generate("rocket launching into space", magic_prompt="OFF", num_images=2)
    assert semantic.queued(vault.context) == 3
    stop = threading.Event()
    first = Embedder(vault.context, stop, poll_seconds=0.05)
    first.start()
    first.drain()
    first.join(timeout=120)
    assert not first.is_alive() and first.embedded == 3 and first.failed is None
    assert semantic.queued(vault.context) == 0
    second = Embedder(vault.context, stop, poll_seconds=0.05)
    second.start()
    second.drain()
    second.join(timeout=120)
    assert second.embedded == 0
    assert vault.images.semantic("beacon on the coast", limit=1)[0].record.id == a.id


def test_workers_sharing_postgresql_take_turns_at_the_queue(vault: Vault) -> None:
    """While another worker holds the queue's lock, an embedder leaves the queue alone."""
    import threading

    from sqlalchemy import text

    from ideovault.catalog.embeddings import EMBED_LOCK
    from ideovault.vault.embedder import Embedder

    if vault.context.catalog.dialect != "postgresql":
        pytest.skip("one process works a SQLite vault's batches")
    vault.generations.generate("a lighthouse in a storm", magic_prompt="OFF")
    with vault.context.catalog.engine.connect() as other:
        assert other.execute(text(f"SELECT pg_try_advisory_lock({EMBED_LOCK})")).scalar()
        embedder = Embedder(vault.context, threading.Event(), poll_seconds=0.05)
        embedder.start()
        embedder.drain()
        embedder.join(timeout=60)
        assert not embedder.is_alive() and embedder.embedded == 0
    assert semantic.queued(vault.context) == 1


def test_backfill_trains_the_lists_once_they_are_due(
    vault: Vault, needs_model: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL, backfill trains the index's inverted lists once a model has enough
    vectors (catalog/vector_lists.py); SQLite has none. The search answers the same."""
    from sqlalchemy import text

    from ideovault.catalog import vector_lists

    monkeypatch.setattr(vector_lists, "TRAIN_AT", 3)
    prompts = ["a red fox", "rocket launch", "tea cup", "an orange fox cub"]
    for prompt in prompts[:2]:
        vault.generations.generate(prompt, magic_prompt="OFF")
    vault.upkeep.backfill()
    catalog = vault.context.catalog
    postgres = catalog.dialect == "postgresql"
    with catalog.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM vector_training")).scalar_one() == 0
    for prompt in prompts[2:]:
        vault.generations.generate(prompt, magic_prompt="OFF")
    vault.upkeep.backfill()
    with catalog.engine.connect() as conn:
        trained = conn.execute(text("SELECT trained_rows FROM vector_training")).scalars().all()
        untagged = conn.execute(text("SELECT count(*) FROM vector_codes WHERE list_no IS NULL"))
        assert (trained, untagged.scalar_one()) == (([4], 0) if postgres else ([], 4))
    found = [m.record.prompt for m in vault.images.semantic("fox", limit=2)]
    assert set(found) == {"a red fox", "an orange fox cub"}
