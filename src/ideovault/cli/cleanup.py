"""`ideovault cleanup`: retention rules or a named policy; always a plan first."""

from __future__ import annotations

import typer
from rich.markup import escape

from ideovault.cli.app import GLOBALS, app
from ideovault.cli.output import human_size, print_json, say, short
from ideovault.units import parse_duration, parse_size


@app.command()
def cleanup(
    older_than: str | None = typer.Option(None, "--older-than", help="e.g. 30d"),
    keep_tag: list[str] = typer.Option([], "--keep-tag", help="Never remove images with it."),
    keep_starred: bool = typer.Option(True, "--keep-starred/--no-keep-starred"),
    max_total: str | None = typer.Option(None, "--max-total", help="Keep newest within, e.g. 50GB"),
    max_count: int | None = typer.Option(None, "--max-count", help="Keep the newest N."),
    status: list[str] = typer.Option([], "--status", help="Only images with this status."),
    policy: str | None = typer.Option(None, "--policy", help="A policy from ideovault.toml."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the plan; change nothing."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Move images that a retention rule selects to the trash (see `purge`)."""
    from ideovault.vault.cleanup import Policy
    from ideovault.vault.tags import normalize_tags

    with GLOBALS.open_vault() as vault:
        if policy:
            rules = Policy.from_config(policy, vault.settings.extra)
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
        plan = vault.cleanup_plan(rules)
        if not dry_run:
            vault.cleanup(plan)
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
