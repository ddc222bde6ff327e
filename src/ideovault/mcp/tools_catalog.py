"""Tools that read and mark what the vault holds — search, show, similar, lineage, tag, star,
report — and reproduce, which sends the request behind an image again. None but reproduce
calls Ideogram or costs anything."""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import Context
from mcp_types import CallToolResult, ToolAnnotations
from pydantic import Field

from ideovault.mcp import params as p
from ideovault.mcp.registry import Registry
from ideovault.mcp.results import DEFAULT_THUMBNAILS, Shaping, images_result, pictures, result
from ideovault.mcp.running import refuse, run_in_thread
from ideovault.mcp.sending import report as delivery_report
from ideovault.vault import Node, SendOptions, Vault

READ = ToolAnnotations(read_only_hint=True, open_world_hint=False)
MARK = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True)

SEARCH = """Find images already in the vault — do this before generating, since a stored
image costs nothing to reuse. The query language (the same as `ideovault search`):
free words and "quoted phrases" match prompt, expanded prompt, negative prompt, tags and
descriptions; -word excludes; filters: tag:poster -tag:old model:V_3 style:DESIGN aspect:16x9
seed:1234 after:2026-01-01 before:7d (also 12h, 2w, 1y) safe:true is:starred is:trashed
status:stored op:remix parent:ID; sort:created (default, newest first), sort:-size, sort:seed,
sort:relevance. An empty query lists the newest images. Returns records (with thumbnails of
the first few) and next_cursor for the following page."""
SHOW = """Everything the vault knows about one image: prompt, expanded prompt, model, style,
seed, size, tags, star, status, parent, descriptions, local_path (the file on this machine)
and its thumbnail. The original's bytes are the resource in the record's `resource` field."""
SIMILAR = """Images that LOOK like a given one (perceptual hash), closest first, with distance
0 = the same picture, up to about 10 = clearly related. Use it to find duplicates or variants;
use search to find images by words."""
LINEAGE = """Where an image came from and what was made from it: ancestors (the inputs it was
made from, root first) and descendants (remixes, edits, upscales, reproductions) as a tree."""
TAG = """Add and remove tags on one or more images (tags are lower-cased; spaces become -).
Tags make images findable with search 'tag:NAME'."""
STAR = """Star (or with starred=false unstar) images to mark favourites; search 'is:starred'
finds them."""
RATE = """Give images 1-5 stars, or 0 to clear their rating; search 'rating:>=4' (also
'rating:3', 'rating:<2'; unrated counts as 0) finds them."""
REPRODUCE = """Send the request that made an image again — same route, model, parameters,
inputs and seed, one image — tag it `reproduced` and link it to the original; says whether
the bytes are identical (Ideogram does not promise identical pixels). Answered from the vault
for free when that exact request is already stored, unless force=true (then it is billed)."""
REPORT = """What the vault holds and what it cost: image count, bytes and estimated USD by
model, style, aspect, month and tag, status counts, growth per month, the largest and oldest
images. Use it to answer "how much have I spent" or "what do I have"."""

Thumbnails = Annotated[
    int,
    Field(description="How many of the results to show as thumbnails (0 … 20).", ge=0, le=20),
]
Ids = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=p.SHORT)]],
    Field(description="Image ids or unique prefixes.", min_length=1, max_length=100),
]
TagNames = list[Annotated[str, Field(max_length=p.SHORT)]] | None
Add = Annotated[TagNames, Field(description="Tags to add, e.g. ['hero'].", max_length=50)]
Remove = Annotated[TagNames, Field(description="Tags to remove.", max_length=50)]


def _tree(node: Node, shaping: Shaping) -> dict[str, object]:
    return {**shaping.fields(node.record), "children": [_tree(c, shaping) for c in node.children]}


def register(registry: Registry, vault: Vault, shaping: Shaping) -> None:
    @registry.tool(description=SEARCH, annotations=READ)
    async def search(
        query: Annotated[
            str,
            Field(
                description='e.g. red fox "neon sign" tag:poster after:30d sort:relevance',
                max_length=2000,
            ),
        ] = "",
        limit: Annotated[int, Field(description="Results per page, 1 … 1000.")] = 20,
        cursor: Annotated[
            str | None,
            Field(description="next_cursor of the previous page, to continue.", max_length=500),
        ] = None,
        thumbnails: Thumbnails = DEFAULT_THUMBNAILS,
    ) -> CallToolResult:
        page = await run_in_thread(
            None, lambda _on_event: vault.images.search(query, limit=limit, cursor=cursor)
        )
        return images_result(
            vault, shaping, page.records, thumbnails=thumbnails,
            count=len(page.records), next_cursor=page.next_cursor,
        )  # fmt: skip

    @registry.tool(description=SHOW, annotations=READ)
    async def show(image_id: p.ImageId) -> CallToolResult:
        record = await run_in_thread(None, lambda _on_event: vault.images.get(image_id))
        return result(shaping.fields(record), pictures(vault, [record], 1))

    @registry.tool(description=SIMILAR, annotations=READ)
    async def similar(
        image_id: p.ImageId,
        limit: Annotated[int, Field(description="How many, 1 … 1000.")] = 10,
        thumbnails: Thumbnails = DEFAULT_THUMBNAILS,
    ) -> CallToolResult:
        matches = await run_in_thread(None, lambda _on_event: vault.images.similar(image_id, limit))
        data = {"matches": [{**shaping.fields(m.record), "distance": m.distance} for m in matches]}
        return result(data, pictures(vault, [m.record for m in matches], thumbnails))

    @registry.tool(description=LINEAGE, annotations=READ)
    async def lineage(image_id: p.ImageId) -> CallToolResult:
        found = await run_in_thread(None, lambda _on_event: vault.images.lineage(image_id))
        data = {
            "image": shaping.fields(found.image),
            "ancestors": [shaping.fields(a) for a in found.ancestors],
            "descendants": [_tree(c, shaping) for c in found.tree.children],
            "truncated": found.truncated,
        }
        return result(data, pictures(vault, [found.image], 1))

    @registry.tool(description=TAG, annotations=MARK)
    async def tag(image_ids: Ids, add: Add = None, remove: Remove = None) -> CallToolResult:
        if not (add or remove):
            refuse("name tags to add or remove")
        records = await run_in_thread(
            None, lambda _on_event: vault.images.tag(image_ids, add or (), remove or ())
        )
        return images_result(vault, shaping, records, thumbnails=0)

    @registry.tool(description=STAR, annotations=MARK)
    async def star(
        image_ids: Ids,
        starred: Annotated[bool, Field(description="False to unstar.")] = True,
    ) -> CallToolResult:
        records = await run_in_thread(None, lambda _on_event: vault.images.star(image_ids, starred))
        return images_result(vault, shaping, records, thumbnails=0)

    @registry.tool(description=RATE, annotations=MARK)
    async def rate(
        image_ids: Ids,
        rating: Annotated[int, Field(ge=0, le=5, description="1-5 stars; 0 clears.")],
    ) -> CallToolResult:
        records = await run_in_thread(None, lambda _on_event: vault.images.rate(image_ids, rating))
        return images_result(vault, shaping, records, thumbnails=0)

    @registry.tool(description=REPRODUCE, annotations=ToolAnnotations(open_world_hint=True))
    async def reproduce(
        image_id: p.ImageId, force: p.Force = False, ctx: Context | None = None
    ) -> CallToolResult:
        done = await run_in_thread(
            ctx,
            lambda on_event: vault.generations.reproduce(
                image_id, options=SendOptions(force=force, on_event=on_event)
            ),
        )
        return delivery_report(
            vault, shaping, done.images, reused=done.reused,
            original_id=done.original.id, identical=done.identical,
        )  # fmt: skip

    @registry.tool(description=REPORT, annotations=READ)
    async def report() -> CallToolResult:
        return result(await run_in_thread(None, lambda _on_event: vault.images.report()))
