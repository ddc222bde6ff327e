"""Retention policies: a plan first (which images, why, how many bytes), then the trash.

Rules, each optional, combine as a union of reasons over the images they may consider:
``older_than`` (created before now - d), ``max_count`` (keep the newest N), ``max_total``
(keep the newest images that fit in a byte budget), and ``statuses`` (only images with these
statuses are considered; alone, it selects all of them). Starred images and images carrying a
keep tag are never selected — a named policy in ``ideovault.toml`` cannot turn that off; only
``--no-keep-starred`` on the command line can, for starred images.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from ideovault.catalog.maintenance import Candidate
from ideovault.catalog.records import ImageStatus
from ideovault.errors import UserError
from ideovault.units import parse_duration, parse_size
from ideovault.vault import people
from ideovault.vault.tags import normalize_tags

if TYPE_CHECKING:
    from ideovault.vault.context import VaultContext


@dataclass(frozen=True)
class Policy:
    older_than: timedelta | None = None
    max_total_bytes: int | None = None
    max_count: int | None = None
    statuses: tuple[str, ...] = ()
    keep_tags: tuple[str, ...] = ()
    keep_starred: bool = True
    # how ``older_than`` was written (``30d``, ``1s``), so the reasons repeat the rule as given
    older_than_text: str | None = None

    def __post_init__(self) -> None:
        # zero is a rule ("--older-than 0d": everything not protected, like the seed's
        # cleanupOldAssets(0)), so every test here is "is not None", never truthiness
        if not (self.older_than is not None or self.max_total_bytes is not None
                or self.max_count is not None or self.statuses):  # fmt: skip
            raise UserError(
                "a cleanup needs at least one rule: --older-than, --max-total, --max-count "
                "or --status"
            )
        if self.older_than is not None and self.older_than < timedelta(0):
            raise UserError("--older-than must be 0 or more")
        if self.max_count is not None and self.max_count < 0:
            raise UserError("--max-count must be 0 or more")
        valid = {s.value for s in ImageStatus}
        for status in self.statuses:
            if status not in valid:
                raise UserError(f"unknown status {status!r}; one of {', '.join(sorted(valid))}")

    @classmethod
    def from_config(cls, name: str, extra: dict[str, Any]) -> Policy:
        """A named policy: ``[cleanup.policies.NAME]`` in ideovault.toml."""
        policies = extra.get("cleanup", {}).get("policies", {})
        table = policies.get(name)
        if not isinstance(table, dict):
            known = ", ".join(sorted(policies)) or "none defined"
            raise UserError(f"no cleanup policy named {name!r} in ideovault.toml ({known})")
        unknown = set(table) - {"older_than", "max_total", "max_count", "status", "keep_tags"}
        if "keep_starred" in table:
            raise UserError("a named policy cannot stop keeping starred images")
        if unknown:
            raise UserError(f"policy {name!r}: unknown keys {', '.join(sorted(unknown))}")
        try:
            return cls(
                older_than=parse_duration(table["older_than"]) if "older_than" in table else None,
                older_than_text=str(table.get("older_than", "")).strip() or None,
                max_total_bytes=parse_size(table["max_total"]) if "max_total" in table else None,
                max_count=int(table["max_count"]) if "max_count" in table else None,
                statuses=tuple(table.get("status", ())),
                keep_tags=normalize_tags(table.get("keep_tags", ())),
            )
        except (TypeError, ValueError) as exc:
            raise UserError(f"policy {name!r}: {exc}") from None


@dataclass
class PlannedRemoval:
    record: Candidate
    reasons: list[str] = field(default_factory=list)


@dataclass
class CleanupPlan:
    removals: list[PlannedRemoval]
    kept_protected: int

    @property
    def bytes(self) -> int:
        return sum(p.record.size_bytes or 0 for p in self.removals)

    def to_json(self) -> dict[str, Any]:
        return {
            "images": len(self.removals),
            "bytes": self.bytes,
            "kept_protected": self.kept_protected,
            "removals": [
                {"id": p.record.id, "size_bytes": p.record.size_bytes, "reasons": p.reasons,
                 "created_at": p.record.created_at.isoformat(), "prompt": p.record.prompt}
                for p in self.removals
            ],
        }  # fmt: skip


def plan(ctx: VaultContext, policy: Policy, now: datetime | None = None) -> CleanupPlan:
    now = now or datetime.now(UTC)
    protected = 0
    chosen: dict[str, PlannedRemoval] = {}

    def choose(record: Candidate, reason: str) -> None:
        chosen.setdefault(record.id, PlannedRemoval(record)).reasons.append(reason)

    rules = (
        policy.older_than is not None
        or policy.max_total_bytes is not None
        or policy.max_count is not None
    )
    total = 0  # bytes of the newest images so far, protected ones included: they take space too
    rank = 0
    for record in ctx.catalog.maintenance.iter_candidates():  # newest first
        total += record.size_bytes or 0
        if (policy.keep_starred and record.starred) or set(record.tags) & set(policy.keep_tags):
            protected += 1
            continue
        if policy.statuses and record.status not in policy.statuses:
            continue
        rank += 1
        if not rules:
            choose(record, f"status is {record.status}")
        if policy.older_than is not None and record.created_at < now - policy.older_than:
            choose(record, f"older than {policy.older_than_text or _spoken(policy.older_than)}")
        if policy.max_count is not None and rank > policy.max_count:
            choose(record, f"beyond the newest {policy.max_count}")
        if policy.max_total_bytes is not None and total > policy.max_total_bytes:
            choose(record, f"beyond the {policy.max_total_bytes:,}-byte budget")
    removals = sorted(chosen.values(), key=lambda p: p.record.id)
    return CleanupPlan(removals, protected)


def _spoken(age: timedelta) -> str:
    """A duration in the largest whole unit that says it exactly: 30 days, 90 minutes, 1 second."""
    seconds = int(age.total_seconds())
    amount, unit = seconds, "second"
    for name, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds and seconds % size == 0:
            amount, unit = seconds // size, name
            break
    return f"{amount} {unit}" + ("" if amount == 1 else "s")


def run(ctx: VaultContext, cleanup: CleanupPlan) -> None:
    """Carry out a plan: the chosen images go to the trash (restore undoes it)."""
    ids = [p.record.id for p in cleanup.removals]
    ctx.catalog.maintenance.set_trashed(ids, datetime.now(UTC))
    people.note(ctx, "image.cleanup", ids)
