"""Orchestration between the engine, the store, git and the model. No printing here."""
