"""The Ideogram HTTP client: typed requests and responses, retries, error mapping.

Names are loaded on first use, so that importing ``ideovault.api.params`` (validation) or
``ideovault.api.errors`` does not pull in httpx for commands that never call the API.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ideovault.api import errors
    from ideovault.api.client import Download, IdeogramClient
    from ideovault.api.params import GenerateParams, parse_params
    from ideovault.api.responses import GenerateResponse, ResponseImage

_WHERE = {
    "Download": "ideovault.api.client",
    "IdeogramClient": "ideovault.api.client",
    "GenerateParams": "ideovault.api.params",
    "parse_params": "ideovault.api.params",
    "GenerateResponse": "ideovault.api.responses",
    "ResponseImage": "ideovault.api.responses",
}

__all__ = [
    "Download",
    "GenerateParams",
    "GenerateResponse",
    "IdeogramClient",
    "ResponseImage",
    "errors",
    "parse_params",
]


def __getattr__(name: str) -> Any:
    if name == "errors":
        return import_module("ideovault.api.errors")
    if name in _WHERE:
        return getattr(import_module(_WHERE[name]), name)
    raise AttributeError(name)
