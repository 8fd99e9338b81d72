"""Persistent state under `.migrator/`: the scan cache and (later) proposals and decisions."""

from __future__ import annotations

from pathlib import Path

STATE_DIR = ".migrator"


def state_dir(root: Path) -> Path:
    """`.migrator/` beside the scanned tree (the folder itself when a single file is scanned)."""
    base = root if root.is_dir() else root.parent
    return base / STATE_DIR
