"""`ideovault mcp`: the vault as an MCP server on stdin/stdout, for assistants (Claude Code,
Claude Desktop, Cursor, …) to start as a subprocess. Needs the extra ``ideovault[mcp]``."""

from __future__ import annotations

from ideovault.cli.app import GLOBALS, app
from ideovault.errors import UserError

INSTALL_HINT = "the MCP server needs the optional extra: pip install 'ideovault[mcp]'"


def require_sdk() -> None:
    """Refuse with the extra's name, not a traceback, when the ``mcp`` SDK is missing."""
    try:
        import mcp.server.mcpserver  # noqa: F401
    except ImportError:
        raise UserError(INSTALL_HINT) from None


@app.command("mcp")
def mcp_command() -> None:
    """Serve the vault to an assistant over MCP (stdio): generate, search, show, reuse images.

    Configure it in your assistant, e.g. `claude mcp add ideovault -- ideovault mcp` (see the
    README, "Use from an assistant"). Stdout carries the protocol; messages go to stderr.
    """
    require_sdk()
    import anyio

    from ideovault.mcp.server import build_server

    with GLOBALS.open_vault() as vault:
        anyio.run(build_server(vault, local=True).run_stdio_async)
