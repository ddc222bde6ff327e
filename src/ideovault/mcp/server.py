"""The MCP server object: the tools of ``tools_*.py`` and the originals as resources.

One server per open vault. ``local`` says whether the client runs on this machine (stdio),
in which case records keep their ``local_path``; over HTTP they do not (see results.py).
"""

from __future__ import annotations

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError

from ideovault.errors import IdeovaultError
from ideovault.mcp import tools_catalog, tools_generate, tools_images
from ideovault.mcp.registry import Registry
from ideovault.mcp.results import RESOURCE_PREFIX, Shaping
from ideovault.vault import Vault
from ideovault.version import __version__

INSTRUCTIONS = """ideovault keeps every image generated with the Ideogram API: generated images
are downloaded at once, stored and cataloged (prompt, model, seed, tags, lineage), so they can
be searched and reused instead of lost when Ideogram's links expire.
Before generating, search the vault: reusing a stored image is free. To show the user the
cost first, call a generating tool with dry_run=true. Tag what you make (tags=[...]) so it can
be found again. Results carry each image's id, fields, a small thumbnail and the resource
ideovault://image/ID with the original bytes."""

MAX_RESOURCE_BYTES = 64 * 1024 * 1024  # an original larger than this is refused, not buffered


def build_server(vault: Vault, *, local: bool = True) -> MCPServer:
    shaping = Shaping(local=local)
    registry = Registry()
    for module in (tools_generate, tools_images, tools_catalog):
        module.register(registry, vault, shaping)
    server: MCPServer = MCPServer(
        "ideovault",
        instructions=INSTRUCTIONS,
        version=__version__,
        log_level="WARNING",
        tools=registry.tools,
    )

    @server.resource(
        RESOURCE_PREFIX + "{image_id}",
        name="image",
        title="An original image in the vault",
        description="The stored bytes of one image (PNG for generated images; an upload keeps "
        "its own type, named in its record's mime field).",
        mime_type="image/png",
    )
    def original(image_id: str) -> bytes:
        try:
            record, stream = vault.images.open_original(image_id)
            with stream:
                if (record.size_bytes or 0) > MAX_RESOURCE_BYTES:
                    raise ResourceError(f"image {record.id} is too large to send as a resource")
                return stream.read()
        except IdeovaultError as exc:
            raise ResourceError(str(exc)) from None

    return server
