"""Import of the seed's own generations.json, in exactly the format its code writes."""

from __future__ import annotations

from pathlib import Path

from ideovault.vault import Vault
from tests.vault.seed_files import seed_folder, seed_record, write_generations


def test_the_seeds_three_records_come_in_with_every_field(vault: Vault, tmp_path: Path) -> None:
    folder = seed_folder(tmp_path)
    records = [
        seed_record(folder, 1, "a lighthouse at dusk", expanded="a lighthouse at dusk, moody sky",
                    style="REALISTIC", aspect="ASPECT_16_9"),
        seed_record(folder, 2, "logo for a bakery", negative="blurry", tags=["brand", "Draft"],
                    model="V_2_TURBO", style="DESIGN", safe=False),
        seed_record(folder, 3, "minimal record"),  # no expandedPrompt, negativePrompt, tags
    ]  # fmt: skip
    report = vault.upkeep.import_path(write_generations(folder, records))
    assert len(report.imported) == 3 and report.skipped == [] and not report.failed
    first, second, third = (vault.images.get(i) for i in report.imported)
    assert first.prompt == "a lighthouse at dusk" and first.model == "V_2"
    assert first.expanded_prompt == "a lighthouse at dusk, moody sky"
    assert first.style_type == "REALISTIC" and first.aspect_ratio == "16x9"
    assert first.seed == 1001 and first.resolution == "1024x1024" and first.is_safe
    assert first.original_url == records[0]["originalUrl"]
    assert first.created_at.isoformat().startswith("2025-02-11T09:31:00.001")
    assert set(first.tags) == {"imported"} and first.size_bytes == records[0]["sizeBytes"]
    assert second.negative_prompt == "blurry" and second.model == "V_2_TURBO"
    assert set(second.tags) == {"brand", "draft", "imported"}
    assert second.is_safe is False  # the seed's isSafe: false is kept, not read as safe
    assert third.expanded_prompt is None and third.negative_prompt is None
    assert vault.upkeep.import_path(folder / "generations.json").imported == []  # idempotent


def test_stored_paths_from_another_machine_are_found_beside_the_json(
    vault: Vault, tmp_path: Path
) -> None:
    folder = seed_folder(tmp_path)
    records = [
        seed_record(folder, 1, "absolute, other machine",
                    stored_path="/home/alice/studio/generated-images/1001-1740000000001.png"),
        seed_record(folder, 2, "windows machine",
                    stored_path="C:\\Users\\bob\\generated-images\\1002-1740000000002.png"),
        seed_record(folder, 3, "in a bucket", stored_path="s3://team-assets/ideogram/1003-1740000000003.png"),
        seed_record(folder, 4, "bucket, no copy here", write=False,
                    stored_path="s3://team-assets/ideogram/1004-1740000000004.png"),
        seed_record(folder, 5, "gone for good", write=False,
                    stored_path="/home/alice/studio/generated-images/1005-1740000000005.png"),
    ]  # fmt: skip
    report = vault.upkeep.import_path(write_generations(folder, records))
    prompts = sorted(vault.images.get(i).prompt for i in report.imported)
    assert prompts == ["absolute, other machine", "in a bucket", "windows machine"]
    s3_skip, gone_skip = report.skipped
    assert s3_skip.startswith("generations.json record 4 (id ")
    assert "object store" in s3_skip and "aws s3 cp" in s3_skip
    assert gone_skip.startswith("generations.json record 5")
    assert "outside the folder" in gone_skip and "1005-1740000000005.png" in gone_skip


def test_a_relative_stored_path_inside_the_folder_is_read_where_it_says(
    vault: Vault, tmp_path: Path
) -> None:
    folder = seed_folder(tmp_path)
    sub = folder / "2025"
    sub.mkdir()
    record = seed_record(sub, 1, "kept in a sub-folder", stored_path="2025/1001-1740000000001.png")
    report = vault.upkeep.import_path(write_generations(folder, [record]))
    assert len(report.imported) == 1, report.skipped


def test_nothing_imported_from_a_non_empty_file_is_a_failure(vault: Vault, tmp_path: Path) -> None:
    folder = seed_folder(tmp_path)
    records = [seed_record(folder, n, f"lost {n}", write=False) for n in (1, 2, 3)]
    report = vault.upkeep.import_path(write_generations(folder, records))
    assert report.imported == [] and report.refused == 3 and report.failed
    assert all("does not exist" in s for s in report.skipped), report.skipped
    empty = write_generations(seed_folder(tmp_path / "empty"), [])
    assert not vault.upkeep.import_path(
        empty
    ).failed  # an empty file imports nothing, and that is fine
