"""migrator: a legacy-code migration assistant."""

__version__ = "0.1.0"
