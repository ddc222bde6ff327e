"""The version, in a leaf module: the API client and the MCP server name it without importing
the package root, whose lazy re-exports reach the vault (an import circle otherwise)."""

__version__ = "0.1.0"
