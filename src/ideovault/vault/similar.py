"""Similar and near-duplicate images by perceptual hash (64-bit DCT hash, Hamming distance).

All hashes are loaded into one numpy array and compared with XOR + popcount: a million
images is 8 MB and a few milliseconds, simpler and faster than any index at this size.
Near-duplicate grouping uses the pigeonhole principle: two hashes within distance d < 4
agree exactly on at least one of four 16-bit bands, so only images sharing a band are compared.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ideovault.catalog.records import ImageRecord, ImageStatus
from ideovault.errors import UserError
from ideovault.vault.presenting import image, present

if TYPE_CHECKING:
    from ideovault.vault.context import VaultContext

MAX_DUPE_DISTANCE = 3


@dataclass(frozen=True)
class Match:
    record: ImageRecord
    distance: int  # differing bits of 64: 0 = same picture, ≤ 6 near-identical, ≥ 20 unrelated


def _popcount(values: np.ndarray) -> np.ndarray:
    bits = np.unpackbits(values.view(np.uint8).reshape(-1, 8), axis=1)
    counts: np.ndarray = bits.sum(axis=1)
    return counts


def _load(ctx: VaultContext) -> tuple[list[str], np.ndarray]:
    rows = ctx.catalog.phashes.all()
    ids = [i for i, _ in rows]
    hashes = np.array([int(h, 16) for _, h in rows], dtype=np.uint64)
    return ids, hashes


def similar(ctx: VaultContext, image_id: str, limit: int = 20) -> list[Match]:
    if not 1 <= limit <= 1000:
        raise UserError("--limit must be between 1 and 1000")
    target = image(ctx, image_id)
    if target.phash is None:
        why = "it is not stored" if target.status != ImageStatus.STORED else "run `backfill`"
        raise UserError(f"image {target.id} has no perceptual hash yet ({why})")
    ids, hashes = _load(ctx)
    distances = _popcount(hashes ^ np.uint64(int(target.phash, 16)))
    order = np.argsort(distances, kind="stable")
    picked = [(ids[i], int(distances[i])) for i in order if ids[i] != target.id][:limit]
    records = {r.id: r for r in ctx.catalog.images.get_many([i for i, _ in picked])}
    return [Match(present(ctx, records[i]), d) for i, d in picked if i in records]


def dupes(ctx: VaultContext, max_distance: int = MAX_DUPE_DISTANCE) -> list[list[Match]]:
    """Groups of images whose pictures are (near-)identical, largest group first."""
    if not 0 <= max_distance <= MAX_DUPE_DISTANCE:
        raise UserError(f"--max-distance must be between 0 and {MAX_DUPE_DISTANCE}")
    ids, hashes = _load(ctx)
    buckets: dict[tuple[int, int], list[int]] = defaultdict(list)
    for band in range(4):
        keys = (hashes >> np.uint64(16 * band)) & np.uint64(0xFFFF)
        for index, key in enumerate(keys.tolist()):
            buckets[(band, key)].append(index)
    parent = list(range(len(ids)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for members in buckets.values():
        if len(members) < 2:
            continue
        group = np.array(members)
        for pos, i in enumerate(members[:-1]):
            rest = group[pos + 1 :]
            close = rest[_popcount(hashes[rest] ^ hashes[i]) <= max_distance]
            for j in close.tolist():
                parent[find(j)] = find(i)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(ids)):
        groups[find(i)].append(i)
    result = []
    for members in sorted((m for m in groups.values() if len(m) > 1), key=len, reverse=True):
        head = hashes[members[0]]
        records = {r.id: r for r in ctx.catalog.images.get_many([ids[i] for i in members])}
        result.append(
            [
                Match(present(ctx, records[ids[i]]), int(_popcount(hashes[[i]] ^ head)[0]))
                for i in members
                if ids[i] in records
            ]
        )
    return result


@dataclass
class BackfillReport:
    hashed: int = 0
    unreadable: list[str] | None = None
    embedded: int | None = None  # prompt embeddings added (None: semantic extra not installed)


def backfill(ctx: VaultContext) -> BackfillReport:
    """Compute the perceptual hash of stored images that lack one (older records).

    An unreadable file is reported and skipped, never fatal: `ideovault verify` explains it.
    """
    from PIL import Image

    from ideovault.vault.download import perceptual_hash

    report = BackfillReport(unreadable=[])
    last = ""
    while batch := ctx.catalog.phashes.missing(limit=200, after_id=last):
        for record in batch:
            last = record.id
            try:
                assert record.blob_key is not None
                with ctx.store.open(record.blob_key) as fh:  # object stores do not seek
                    data = io.BytesIO(fh.read())
                with Image.open(data) as im:
                    phash = perceptual_hash(im)
            except (OSError, ValueError, AssertionError, Image.DecompressionBombError):
                assert report.unreadable is not None
                report.unreadable.append(record.id)
                continue
            ctx.catalog.phashes.set(record.id, phash)
            report.hashed += 1
    from ideovault.vault import semantic

    if semantic.available():
        report.embedded = semantic.backfill(ctx)
    return report
