"""REST routes for the vault's operations: generate, reproduce, lineage, report, filter values.

Generation goes through the same ``vault.generations.generate`` as the CLI: the same validation
before any credit is spent, the same dedupe and budget checks. Errors come back as 400 (bad request,
over budget, no key) or 502 (the Ideogram API failed), with the vault's own message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, HTTPException

from ideovault.vault import SendOptions, resolve_client_uploads

if TYPE_CHECKING:
    from ideovault.vault import Node
from ideovault.web.deps import VaultDep, clean_id
from ideovault.web.routes_images import NOT_FOUND
from ideovault.web.schemas import GenerateBody, Generated, ReproduceBody, image_out

router = APIRouter(prefix="/api", tags=["operations"])

# Keyword arguments of generations.generate (and the fields of its SendOptions) that are not
# API parameters: refused inside `params`.
RESERVED_PARAMS = frozenset(
    {"prompt", "options", "tags", "on_event", "dedupe", "force", "max_usd", "within_budget"}
)


def _node(node: Node) -> dict[str, Any]:
    return {"image": image_out(node.record), "children": [_node(c) for c in node.children]}


@router.post("/generate", response_model=Generated, responses={400: {"description": "Bad input"}})
def generate(body: GenerateBody, vault: VaultDep) -> Generated:
    """Generate images, store them and return their records (or only a price: ``dry_run``).

    Input images in ``params`` (style and character references, …) are vault ids or
    ``data:image/…;base64,…`` URLs; the server never reads a path a client names.
    """
    clash = sorted(RESERVED_PARAMS & body.params.keys())
    if clash:
        raise HTTPException(400, f"params may not contain {', '.join(clash)}: use the fields")
    params = resolve_client_uploads(vault.context, body.params)
    if body.dry_run:
        offer = vault.generations.quote(body.prompt, within_budget=body.check_budgets, **params)
        return Generated(quote=offer.to_json())
    kinds: set[str] = set()
    records = vault.generations.generate(
        body.prompt,
        **params,
        options=SendOptions(
            tags=tuple(body.tags),
            force=body.force,
            max_usd=body.max_usd,
            dedupe=body.dedupe,
            on_event=lambda event: kinds.add(event.kind),
        ),
    )
    return Generated(images=[image_out(r) for r in records], reused="reused" in kinds)


@router.post("/images/{image_id}/reproduce", response_model=Generated, responses=NOT_FOUND)
def reproduce(image_id: str, body: ReproduceBody, vault: VaultDep) -> Generated:
    """Send the request that made this image again (answered from the vault unless ``force``).

    ``dry_run`` answers the estimated price only (the gallery asks for a confirmation with
    it, then sends it back as ``max_usd``); the budgets are checked either way."""
    record = vault.images.get(clean_id(image_id))
    if body.dry_run:
        return Generated(
            quote=vault.generations.reproduce_quote(record.id, force=body.force).to_json()
        )
    result = vault.generations.reproduce(
        record.id, options=SendOptions(force=body.force, max_usd=body.max_usd)
    )
    return Generated(
        images=[image_out(r) for r in result.images],
        reused=result.reused,
        identical=result.identical,
    )


@router.get("/images/{image_id}/lineage", responses=NOT_FOUND)
def lineage(image_id: str, vault: VaultDep) -> dict[str, Any]:
    """Where an image came from (ancestors) and what was made from it (a tree of children)."""
    record = vault.images.get(clean_id(image_id))
    result = vault.images.lineage(record.id)
    return {
        "ancestors": [image_out(a) for a in result.ancestors],
        "tree": _node(result.tree),
        "truncated": result.truncated,
    }


@router.get("/report")
def report(vault: VaultDep) -> dict[str, Any]:
    """Images, bytes and estimated cost by model, style, aspect, month and tag."""
    return vault.images.report()


@router.get("/choices")
def choices(vault: VaultDep) -> dict[str, list[str]]:
    """The values the model, style and aspect filters offer."""
    return vault.images.filter_choices()
