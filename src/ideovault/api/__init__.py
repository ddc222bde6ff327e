"""The Ideogram HTTP client: typed requests and responses, retries, error mapping."""

from ideovault.api import errors
from ideovault.api.client import Download, IdeogramClient
from ideovault.api.params import GenerateParams, parse_params
from ideovault.api.responses import GenerateResponse, ResponseImage

__all__ = [
    "Download",
    "GenerateParams",
    "GenerateResponse",
    "IdeogramClient",
    "ResponseImage",
    "errors",
    "parse_params",
]
