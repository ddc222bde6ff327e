"""Writes for `import`: one image that arrives with its bytes already stored."""

from __future__ import annotations

from sqlalchemy import insert, select

from ideovault.catalog.records import (
    GenerationRecord,
    ImageRecord,
    ImageStatus,
    NewImage,
    StoredInfo,
)
from ideovault.catalog.rows import generation_to_row
from ideovault.catalog.schema import generations, image_tags, images
from ideovault.catalog.store import Catalog


def find_by_sha256(catalog: Catalog, sha256: str) -> list[ImageRecord]:
    return catalog.fetch_images(select(images).where(images.c.sha256 == sha256).limit(10))


def import_image(
    catalog: Catalog, generation: GenerationRecord, image: NewImage, info: StoredInfo
) -> ImageRecord:
    """One imported image and its generation row, stored, in one transaction."""
    values = image.model_dump(exclude={"tags", "index"})
    values.update(info.model_dump(exclude={"local_path"}))
    values.update(
        idx=image.index, generation_id=generation.id, status=ImageStatus.STORED.value,
        starred=False, tags_text=" ".join(image.tags),
    )  # fmt: skip
    with catalog.engine.begin() as conn:
        conn.execute(insert(generations).values(**generation_to_row(generation)))
        conn.execute(insert(images).values(**values))
        if image.tags:
            conn.execute(insert(image_tags), [{"image_id": image.id, "tag": t} for t in image.tags])
    return catalog.get_image(image.id)


def has_image(catalog: Catalog, image_id: str) -> bool:
    with catalog.engine.connect() as conn:
        return conn.execute(select(images.c.id).where(images.c.id == image_id)).first() is not None
