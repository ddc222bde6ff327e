"""The upkeep, people and shares services: built from the context alone, sharing it (a storage
switch is seen by every service), and none of their modules reaching back to the facade."""

from __future__ import annotations

import ast
from pathlib import Path

import ideovault.vault
from ideovault.vault import Vault

MODULES = ("upkeep", "people_service", "shares_service", "lifecycle", "cleanup", "verify",
           "rebuild", "importer", "import_sources", "import_fields", "export", "migrate",
           "recover", "backup", "health", "owner", "people", "shares")  # fmt: skip


def test_no_upkeep_module_imports_the_facade() -> None:
    root = Path(ideovault.vault.__file__).parent
    for name in MODULES:
        tree = ast.parse((root / f"{name}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert node.module != "ideovault.vault.core", f"{name}.py imports the facade"


def test_services_share_one_context(vault: Vault, tmp_path: Path) -> None:
    for service in (vault.upkeep, vault.people, vault.shares):
        assert service._ctx is vault.context
    records = vault.generations.generate("a new home", num_images=1, seed=3)
    vault.upkeep.migrate_storage(str(tmp_path / "elsewhere"))
    assert vault.context.store.url.endswith("elsewhere")
    assert vault.upkeep.verify().ok  # reads the new store through the same context
    _, path = vault.shares.create(records[0].id, vault.shares.lifetime("1d"))
    share = vault.shares.find(path.removeprefix("/s/"))
    assert share is not None and vault.shares.is_live(share)
    shown = vault.shares.images(share)  # presented from the new store
    assert [r.id for r in shown] == [records[0].id] and shown[0].local_path
    assert str(tmp_path / "elsewhere") in shown[0].local_path
