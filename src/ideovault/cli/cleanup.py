"""`ideovault cleanup`: retention rules or a named policy; always a plan first."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from ideovault.cli.app import GLOBALS, app
from ideovault.cli.options import Json
from ideovault.cli.output import human_size, print_json, say, short
from ideovault.units import parse_duration, parse_size


@app.command()
def cleanup(
    older_than: Annotated[str | None, typer.Option("--older-than", help="e.g. 30d")] = None,
    keep_tag: Annotated[
        list[str], typer.Option("--keep-tag", help="Never remove images with it.")
    ] = [],
    keep_starred: Annotated[bool, typer.Option("--keep-starred/--no-keep-starred")] = True,
    max_total: Annotated[
        str | None, typer.Option("--max-total", help="Keep newest within, e.g. 50GB")
    ] = None,
    max_count: Annotated[int | None, typer.Option("--max-count", help="Keep the newest N.")] = None,
    status: Annotated[
        list[str], typer.Option("--status", help="Only images with this status.")
    ] = [],
    policy: Annotated[
        str | None, typer.Option("--policy", help="A policy from ideovault.toml.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the plan; change nothing.")
    ] = False,
    as_json: Json = False,
) -> None:
    """Move images that a retention rule selects to the trash (see `purge`)."""
    from ideovault.vault.cleanup import Policy
    from ideovault.vault.tags import normalize_tags

    with GLOBALS.open_vault() as vault:
        if policy:
            rules = Policy.from_config(policy, vault.context.settings.extra)
        else:
            rules = Policy(
                older_than=parse_duration(older_than) if older_than is not None else None,
                older_than_text=older_than.strip() if older_than is not None else None,
                max_total_bytes=parse_size(max_total) if max_total else None,
                max_count=max_count,
                statuses=tuple(s.lower() for s in status),
                keep_tags=normalize_tags(keep_tag),
                keep_starred=keep_starred,
            )
        plan = vault.upkeep.cleanup_plan(rules)
        if not dry_run:
            vault.upkeep.cleanup(plan)
    if as_json:
        print_json({**plan.to_json(), "dry_run": dry_run})
        return
    for p in plan.removals:
        say(f"{p.record.id}  {human_size(p.record.size_bytes):>9}  "
            f"{escape(short(p.record.prompt, 40))}  ({escape('; '.join(p.reasons))})")  # fmt: skip
    verb = "would move" if dry_run else "moved"
    say(
        f"{verb} {len(plan.removals)} image(s), {human_size(plan.bytes)}, to the trash; "
        f"{plan.kept_protected} protected (starred or keep tag)"
        + ("" if dry_run else "; `ideovault purge` frees the space, `restore` undoes")
    )
