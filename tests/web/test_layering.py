"""The arrows of docs/architecture.md for web/: it calls the vault, never catalog, blobs, api."""

from __future__ import annotations

import ast
from pathlib import Path

import ideovault.web

ALLOWED = {"ideovault.vault", "ideovault.config", "ideovault.config_oidc", "ideovault.errors",
           "ideovault.ids"}  # fmt: skip


def test_web_imports_only_the_vault_and_top_level_modules() -> None:
    root = Path(ideovault.web.__file__).parent
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                if name.startswith("ideovault.") and not name.startswith("ideovault.web"):
                    assert name in ALLOWED, f"{path.name} imports {name}"
