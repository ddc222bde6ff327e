"""Every image operation through the vault against the fake server: inputs by id or by file,
uploads stored once, parents recorded, descriptions kept, lineage over three generations."""

from __future__ import annotations

from pathlib import Path

import pytest

from ideogram_fake import FakeServer
from ideovault.catalog.records import ImageStatus
from ideovault.errors import UserError
from ideovault.vault import Vault
from ideovault.vault.sending import SendOptions
from tests.images import image_file


def _stored(vault: Vault, prompt: str = "a red fox", **kw: object) -> str:
    (record,) = vault.generations.generate(prompt, seed=7, **kw)
    assert record.status == ImageStatus.STORED
    return record.id


def test_remix_by_id_records_parent_operation_and_request(vault: Vault) -> None:
    source = _stored(vault)
    (out,) = vault.generations.remix(source, "a blue fox", image_weight=80, seed=3)
    assert out.status == ImageStatus.STORED and out.parent_id == source
    assert out.operation == "remix" and out.prompt == "a blue fox"
    generation = vault.context.catalog.generations.get(out.generation_id)
    assert generation.endpoint == "/v1/ideogram-v3/remix"
    assert generation.request["image"]["image_id"] == source
    assert generation.request["image_weight"] == 80 and generation.cost_usd == 0.06


def test_a_file_input_is_stored_once_as_an_uploaded_image(vault: Vault, tmp_path: Path) -> None:
    photo = image_file(tmp_path, "photo.jpg", 80, 80, "JPEG")
    (a,) = vault.generations.upscale(photo)
    (b,) = vault.generations.remix(photo, "same photo, remixed", options=SendOptions(force=True))
    assert a.parent_id == b.parent_id and a.parent_id is not None
    upload = vault.images.get(a.parent_id)
    assert upload.operation == "upload" and "uploaded" in upload.tags
    assert upload.mime == "image/jpeg" and upload.size_bytes == photo.stat().st_size
    assert a.model == "UPSCALE" and a.resolution == "160x160"
    assert vault.images.search("tag:uploaded").records == [upload]


def test_a_file_with_the_bytes_of_a_vault_image_links_to_that_image(
    vault: Vault, tmp_path: Path
) -> None:
    source = vault.images.get(_stored(vault))
    assert source.local_path is not None
    copy = tmp_path / "exported.png"
    copy.write_bytes(Path(source.local_path).read_bytes())
    (out,) = vault.generations.reframe(copy, "1312x736")
    assert out.parent_id == source.id and out.resolution == "1312x736"
    assert out.prompt == source.prompt  # reframe has no prompt: the picture's words live on


def test_edit_with_a_mask_and_legacy_model(vault: Vault, tmp_path: Path) -> None:
    image = image_file(tmp_path, "in.png", 64, 64)
    mask = image_file(tmp_path, "mask.png", 64, 64, color="black")
    outs = vault.generations.edit(image, mask, "add a hat", model="V_2_TURBO", num_images=2)
    assert [o.status for o in outs] == [ImageStatus.STORED] * 2
    generation = vault.context.catalog.generations.get(outs[0].generation_id)
    assert generation.endpoint == "/edit" and "mask" in generation.request


def test_replace_background_and_v4_remix(vault: Vault) -> None:
    source = _stored(vault)
    (bg,) = vault.generations.replace_background(source, "a snowy forest")
    assert bg.operation == "replace-background" and bg.resolution == "1024x1024"
    (v4,) = vault.generations.remix(source, "a fox in 4.0", model="V_4", resolution="2048x2048")
    assert (
        vault.context.catalog.generations.get(v4.generation_id).endpoint == "/v1/ideogram-v4/remix"
    )


def test_describe_keeps_the_texts_and_counts_the_cost(vault: Vault, fake: FakeServer) -> None:
    source = _stored(vault)
    first = vault.generations.describe(source)
    second = vault.generations.describe(source, model_version="V_2")
    assert first.texts and second.texts
    record = vault.images.get(source)
    assert record.descriptions is not None and len(record.descriptions) == 2
    assert record.descriptions[1]["model_version"] == "V_2"
    assert vault.context.catalog.generations.get(first.generation_id).cost_usd == 0.01
    assert fake.stats()["calls_by_endpoint"]["/describe"] == 2


def test_bad_inputs_are_refused_before_any_call(
    vault: Vault, fake: FakeServer, tmp_path: Path
) -> None:
    source = _stored(vault)
    calls = fake.stats()["generate_calls"]
    gif = image_file(tmp_path, "anim.gif", 64, 64, "GIF")
    wide = image_file(tmp_path, "wide.png", 96, 64)
    small_mask = image_file(tmp_path, "mask.png", 32, 32)
    with pytest.raises(UserError, match="not a PNG, JPEG or WebP"):
        vault.generations.remix(gif, "x")
    with pytest.raises(UserError, match="reframe takes a square image"):
        vault.generations.reframe(wide, "1312x736")
    with pytest.raises(UserError, match="the mask is 32x32 but the image is 1024x1024"):
        vault.generations.edit(source, small_mask, "x")
    with pytest.raises(UserError, match="neither a file nor an image id"):
        vault.generations.remix("../../etc/shadow-nope", "x")
    with pytest.raises(UserError, match="not a PNG"):
        vault.generations.upscale(Path("/etc/hostname"))
    assert fake.stats()["generate_calls"] == calls
    assert vault.images.search("tag:uploaded").records == []  # nothing stored for refused inputs


def test_lineage_over_three_generations_of_edits(vault: Vault, tmp_path: Path) -> None:
    root = _stored(vault)
    mask = image_file(tmp_path, "mask.png", 1024, 1024, color="black")
    (child,) = vault.generations.edit(root, mask, "add a hat", seed=1)
    (grandchild,) = vault.generations.edit(child.id, mask, "add a scarf", seed=2)
    (great,) = vault.generations.remix(grandchild.id, "in winter", seed=3)
    (sibling,) = vault.generations.upscale(child.id)
    tree = vault.images.lineage(grandchild.id)
    assert [a.id for a in tree.ancestors] == [root, child.id]
    assert [n.record.id for n in tree.tree.children] == [great.id]
    full = vault.images.lineage(root).to_json()
    (c,) = full["descendants"]
    assert c["id"] == child.id and {g["id"] for g in c["children"]} == {grandchild.id, sibling.id}
    assert full["ancestors"] == [] and not full["truncated"]
    assert {r.id for r in vault.images.search(f"parent:{child.id[:18]}").records} == {
        grandchild.id, sibling.id,
    }  # fmt: skip
    assert {r.id for r in vault.images.search("op:edit").records} == {child.id, grandchild.id}


def test_descriptions_are_searchable_and_survive_a_rebuild(vault: Vault, tmp_path: Path) -> None:
    source = _stored(vault, "an untitled picture")
    texts = vault.generations.describe(source).texts
    word = next(w for w in texts[0].split() if w.isalpha() and len(w) > 4).lower()
    assert word not in "an untitled picture"
    assert [r.id for r in vault.images.search(word).records] == [source]
    into = f"sqlite:///{tmp_path / 'rebuilt.db'}"
    vault.upkeep.rebuild(into=into)
    from ideovault.catalog import Catalog

    with Catalog.open(into) as rebuilt:
        assert rebuilt.images.get(source).descriptions == vault.images.get(source).descriptions
        assert [r.id for r in rebuilt.images.search(word).records] == [source]
