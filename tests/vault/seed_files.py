"""Files exactly as the seed's code writes them (``generateAndPersist`` and ``saveRecords`` in
the seed document): a ``generated-images`` folder holding ``<seed>-<ms>.png`` files and a
``generations.json`` written by ``JSON.stringify(records, null, 2)`` — camelCase keys in the
order the code builds them, ``undefined`` fields left out, ``storedPath`` as ``join`` made it."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from PIL import Image

STORAGE_DIR = "generated-images"  # the seed's "./generated-images", as path.join prints it


def png(shade: int, size: int = 32) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (size, size), (shade % 256, (shade * 7) % 256, (shade * 13) % 256)).save(
        buf, "PNG"
    )
    return buf.getvalue()


def seed_record(
    folder: Path, n: int, prompt: str, *, stored_path: str | None = None, write: bool = True,
    expanded: str | None = None, negative: str | None = None, tags: list[str] | None = None,
    model: str = "V_2", style: str = "AUTO", aspect: str = "ASPECT_1_1", safe: bool = True,
) -> dict[str, Any]:  # fmt: skip
    """One record as ``generateAndPersist`` builds it, with its image file written."""
    seed, ms = 1000 + n, 1_740_000_000_000 + n
    filename = f"{seed}-{ms}.png"
    data = png(n)
    if write:
        (folder / filename).write_bytes(data)
    record: dict[str, Any] = {
        "id": f"3b241101-e2bb-4255-8caf-4136c566a96{n % 10}",
        "prompt": prompt,
        "expandedPrompt": expanded,
        "negativePrompt": negative,
        "model": model,
        "styleType": style,
        "aspectRatio": aspect,
        "seed": seed,
        "resolution": "1024x1024",
        "isSafe": safe,
        "originalUrl": f"https://ideogram.ai/api/images/ephemeral/{seed}.png?exp=1740003600",
        "storedPath": stored_path or f"{STORAGE_DIR}/{filename}",
        "createdAt": f"2025-02-{10 + n:02d}T09:3{n % 10}:00.{n:03d}Z",
        "sizeBytes": len(data),
        "tags": tags,
    }
    return {k: v for k, v in record.items() if v is not None}  # JSON.stringify drops undefined


def write_generations(folder: Path, records: list[dict[str, Any]]) -> Path:
    path = folder / "generations.json"
    path.write_text(json.dumps(records, indent=2, ensure_ascii=False))
    return path


def seed_folder(root: Path) -> Path:
    folder = root / STORAGE_DIR
    folder.mkdir(parents=True)
    return folder
