"""Retention policies against a vault with controlled dates and sizes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from ideovault.catalog.records import ImageRecord, ImageStatus
from ideovault.catalog.schema import images
from ideovault.errors import UserError
from ideovault.vault import Vault
from ideovault.vault.cleanup import Policy
from ideovault.vault.sending import SendOptions

NOW = datetime.now(UTC)


def aged(vault: Vault, days: int, size: int, *, tags: tuple[str, ...] = (), starred: bool = False,
         status: str | None = None) -> ImageRecord:  # fmt: skip
    (record,) = vault.generations.generate(
        f"image {days} days old", seed=days, options=SendOptions(tags=tuple(tags))
    )
    values: dict[str, object] = {"created_at": NOW - timedelta(days=days), "size_bytes": size}
    if status:
        values["status"] = status
    with vault.context.catalog.engine.begin() as conn:
        conn.execute(update(images).where(images.c.id == record.id).values(**values))
    if starred:
        vault.images.star([record.id])
    return vault.images.get(record.id)


@pytest.fixture
def five(vault: Vault) -> dict[str, ImageRecord]:
    # Generated in this order, so ids (creation order) run old → new like the dates.
    return {
        "old_starred": aged(vault, 90, 100, starred=True),
        "old_kept": aged(vault, 80, 100, tags=("keep",)),
        "old": aged(vault, 70, 100),
        "mid": aged(vault, 40, 300),
        "new": aged(vault, 1, 500),
    }


def planned(vault: Vault, policy: Policy) -> dict[str, list[str]]:
    return {p.record.prompt: p.reasons for p in vault.upkeep.cleanup_plan(policy).removals}


def test_older_than_spares_starred_and_keep_tags(vault: Vault, five: dict) -> None:
    plan = vault.upkeep.cleanup_plan(Policy(older_than=timedelta(days=30), keep_tags=("keep",)))
    assert {p.record.id for p in plan.removals} == {five["old"].id, five["mid"].id}
    assert plan.bytes == 400 and plan.kept_protected == 2
    assert plan.removals[0].reasons == ["older than 30 days"]


def test_max_count_and_max_total_keep_the_newest(vault: Vault, five: dict) -> None:
    by_count = planned(vault, Policy(max_count=1, keep_tags=("keep",)))
    assert set(by_count) == {"image 70 days old", "image 40 days old"}
    by_size = planned(vault, Policy(max_total_bytes=700, keep_tags=("keep",)))
    # newest first: 500 fits, 500+300 does not, so the 40- and 70-day images go; the two
    # protected old ones stay (and count towards the total).
    assert set(by_size) == {"image 40 days old", "image 70 days old"}
    assert by_size["image 70 days old"] == ["beyond the 700-byte budget"]


def test_rules_combine_and_explain(vault: Vault, five: dict) -> None:
    reasons = planned(vault, Policy(older_than=timedelta(days=60), max_count=1,
                                    keep_tags=("keep",)))  # fmt: skip
    assert reasons["image 70 days old"] == ["older than 60 days", "beyond the newest 1"]
    assert reasons["image 40 days old"] == ["beyond the newest 1"]


def test_no_keep_starred_is_explicit(vault: Vault, five: dict) -> None:
    reasons = planned(vault, Policy(older_than=timedelta(days=85), keep_starred=False))
    assert set(reasons) == {"image 90 days old"}


def test_status_rule(vault: Vault, five: dict) -> None:
    failed = aged(vault, 2, 0, status=ImageStatus.EXPIRED.value)
    plan = vault.upkeep.cleanup_plan(Policy(statuses=("expired",)))
    assert [p.record.id for p in plan.removals] == [failed.id]
    assert plan.removals[0].reasons == ["status is expired"]


def test_run_trashes_and_restore_undoes(vault: Vault, five: dict) -> None:
    plan = vault.upkeep.cleanup_plan(Policy(older_than=timedelta(days=30), keep_tags=("keep",)))
    vault.upkeep.cleanup(plan)
    assert {r.id for r in vault.images.list().records} == {five["old_starred"].id,
                                                           five["old_kept"].id,
                                                           five["new"].id}  # fmt: skip
    vault.upkeep.restore([five["old"].id, five["mid"].id])
    assert len(vault.images.list().records) == 5


def test_policy_validation_and_config(vault: Vault) -> None:
    with pytest.raises(UserError, match="at least one rule"):
        Policy()
    with pytest.raises(UserError, match="unknown status"):
        Policy(statuses=("gone",))
    extra = {"cleanup": {"policies": {"drafts": {"older_than": "14d", "keep_tags": ["Final"]},
                                      "bad": {"keep_starred": False},
                                      "typo": {"older_then": "3d"}}}}  # fmt: skip
    policy = Policy.from_config("drafts", extra)
    assert policy.older_than == timedelta(days=14) and policy.keep_tags == ("final",)
    with pytest.raises(UserError, match="cannot stop keeping starred"):
        Policy.from_config("bad", extra)
    with pytest.raises(UserError, match="unknown keys"):
        Policy.from_config("typo", extra)
    with pytest.raises(UserError, match="no cleanup policy named"):
        Policy.from_config("nope", extra)
