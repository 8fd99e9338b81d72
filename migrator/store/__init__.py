"""Persistent state under `.migrator/`: the scan cache and (later) proposals and decisions."""

from __future__ import annotations

from pathlib import Path

STATE_DIR = ".migrator"


def state_dir(root: Path) -> Path:
    """`.migrator/` beside the scanned tree (the folder itself when a single file is scanned)."""
    base = root if root.is_dir() else root.parent
    return base / STATE_DIR


def ensure_state_dir(root: Path) -> Path:
    """Create `.migrator/` with a `.gitignore` of `*`, so git never sees it and the user's own
    ignore files stay untouched (the way pytest and mypy keep their caches out of git)."""
    return prepare_folder(state_dir(root))


def prepare_folder(folder: Path) -> Path:
    """Create a state folder (wherever it is) with its `.gitignore` of `*`."""
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# Created by migrator; its state never belongs in git.\n*\n")
    return folder
