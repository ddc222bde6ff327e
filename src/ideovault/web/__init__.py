"""The REST API (with its OpenAPI document) and the gallery page, served by ``ideovault serve``.

Only :mod:`ideovault.vault` is called from here (docs/architecture.md), plus the package's
top-level ``config``, ``errors`` and ``ids`` modules.
"""

from ideovault.web.app import create_app
from ideovault.web.security import WebSettings

__all__ = ["WebSettings", "create_app"]
