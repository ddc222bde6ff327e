"""Tools as the SDK's ``Tool`` objects, with one rule the SDK does not apply by default:
an argument the tool does not know is refused, not ignored.

A model that writes ``negative`` for ``negative_prompt`` or ``aspect`` for ``aspect_ratio``
would otherwise get an image made without it, and pay for it (the vault refuses unknown keys
of a JSON prompt for the same reason). The schema says so too (``additionalProperties``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from mcp.server.mcpserver.tools import Tool
from mcp.server.mcpserver.utilities.func_metadata import ArgModelBase
from mcp_types import ToolAnnotations
from pydantic import create_model

F = TypeVar("F", bound=Callable[..., Any])


def strict(tool: Tool) -> Tool:
    """``tool`` with an argument model (and so a schema) that forbids unknown arguments."""
    loose = tool.fn_metadata.arg_model
    forbidding = cast(
        "type[ArgModelBase]",
        create_model(loose.__name__, __base__=loose, __module__=loose.__module__),
    )
    forbidding.model_config["extra"] = "forbid"
    forbidding.model_rebuild(force=True)
    tool.fn_metadata.arg_model = forbidding
    tool.parameters = forbidding.model_json_schema(by_alias=True)
    return tool


class Registry:
    """Collects tools with ``@registry.tool(...)``; ``tools`` goes to ``MCPServer(tools=...)``."""

    def __init__(self) -> None:
        self.tools: list[Tool] = []

    def tool(
        self, description: str, annotations: ToolAnnotations | None = None
    ) -> Callable[[F], F]:
        def register(fn: F) -> F:
            made = Tool.from_function(fn, description=description, annotations=annotations)
            self.tools.append(strict(made))
            return fn

        return register
