"""`migrator mcp`: the migration tools as a Model Context Protocol server for coding agents."""
