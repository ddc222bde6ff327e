"""Lineage: an image's ancestors (the inputs it was made from, back to a generation or an
upload) and its descendants (everything made from it: remixes, edits, upscales, reproductions).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ideovault.catalog.records import ImageRecord
from ideovault.vault.presenting import image, present

if TYPE_CHECKING:
    from ideovault.vault.context import VaultContext

MAX_NODES = 10_000  # a runaway tree is cut off (and says so) rather than eating memory


@dataclass
class Node:
    record: ImageRecord
    children: list[Node] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {**self.record.to_json(), "children": [c.to_json() for c in self.children]}


@dataclass
class Lineage:
    image: ImageRecord
    ancestors: list[ImageRecord]  # the root first, the direct parent last
    tree: Node  # the image and its descendants
    truncated: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "image": self.image.to_json(),
            "ancestors": [a.to_json() for a in self.ancestors],
            "descendants": [c.to_json() for c in self.tree.children],
            "truncated": self.truncated,
        }


def lineage(ctx: VaultContext, image_id: str) -> Lineage:
    start = image(ctx, image_id)
    ancestors: list[ImageRecord] = []
    seen = {start.id}
    parent = start.parent_id
    while parent and parent not in seen and len(ancestors) < MAX_NODES:
        record = image(ctx, parent)
        ancestors.append(record)
        seen.add(record.id)
        parent = record.parent_id
    ancestors.reverse()
    root = Node(start)
    level, count, truncated = [root], 1, False
    while level and not truncated:
        by_id = {n.record.id: n for n in level}
        next_level: list[Node] = []
        for child in ctx.catalog.images.children_of(list(by_id)):
            if child.id in seen or child.parent_id is None:
                continue  # a cycle cannot be made through the API, but never loop on one
            if count >= MAX_NODES:
                truncated = True
                break
            node = Node(present(ctx, child))
            by_id[child.parent_id].children.append(node)
            next_level.append(node)
            seen.add(child.id)
            count += 1
        level = next_level
    return Lineage(start, ancestors, root, truncated)
