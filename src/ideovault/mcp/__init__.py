"""``ideovault mcp``: the vault as a Model Context Protocol server, so assistants generate
through the vault (every image downloaded, cataloged, budgeted) instead of dropping links.

Built on the official ``mcp`` SDK's ``MCPServer`` (an optional extra: ``ideovault[mcp]``).
The tools call the vault's Python API in worker threads; the same server object serves stdio
(``ideovault mcp``) and streamable HTTP (``ideovault serve --mcp``, behind the web guard).
"""
