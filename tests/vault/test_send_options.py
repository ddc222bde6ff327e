"""One pipeline, one options value: the pipeline built from a context alone (no facade) reads
every field of ``SendOptions``, and the value refuses what would silently go wrong."""

from __future__ import annotations

import pytest

from ideogram_fake import FakeServer
from ideovault.catalog.records import ImageStatus
from ideovault.errors import UserError
from ideovault.vault import SendOptions, Vault
from ideovault.vault.events import Event
from ideovault.vault.sending.pipeline import Pipeline


def test_a_string_of_tags_is_refused_not_split_into_letters() -> None:
    with pytest.raises(TypeError, match="tuple of tags"):
        SendOptions(tags="poster")  # type: ignore[arg-type]
    assert SendOptions(tags=["a", "b"]).tags == ("a", "b")  # type: ignore[arg-type]


def test_the_pipeline_from_a_context_applies_each_option(vault: Vault, fake: FakeServer) -> None:
    pipeline = Pipeline(vault.context)
    request = vault.generations.prepare("a lighthouse", seed=3, num_images=2)
    heard: list[Event] = []
    first = pipeline.send(request, SendOptions(tags=("Coast",), on_event=heard.append))
    assert [r.tags for r in first] == [("coast",), ("coast",)]
    assert all(r.status == ImageStatus.STORED for r in first)
    assert [e.kind for e in heard] == ["sent", "answered", "image", "image"]

    heard.clear()  # the same seeded request: answered from the vault, nothing sent
    again = pipeline.send(request, SendOptions(on_event=heard.append))
    assert {r.id for r in again} == {r.id for r in first}
    assert [e.kind for e in heard] == ["reused"] and fake.stats()["generate_calls"] == 1

    forced = pipeline.send(request, SendOptions(force=True))
    assert not {r.id for r in forced} & {r.id for r in first}
    assert fake.stats()["generate_calls"] == 2
    assert pipeline.send(request, SendOptions(dedupe="never"))[0].id not in {
        r.id for r in [*first, *forced]
    }
    with pytest.raises(UserError, match="budget"):
        pipeline.send(request, SendOptions(force=True, max_usd=0.0001))
    assert fake.stats()["generate_calls"] == 3
