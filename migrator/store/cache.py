"""The scan cache: per file, the content hash and rule-set digest it was scanned with, and the
result. A re-scan of an unchanged tree reads and hashes files but parses nothing.

SQLite in `.migrator/cache.db`; one row per path. A damaged or unwritable cache is ignored, never
fatal: it is an optimisation only.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path

from migrator.engine.results import Incident
from migrator.engine.scanner import FileScan
from migrator.store import prepare_folder

_SCHEMA = """
CREATE TABLE IF NOT EXISTS scans (
    path TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    ruleset TEXT NOT NULL,
    result TEXT NOT NULL
)
"""


def _encode(scan: FileScan) -> str:
    return json.dumps(
        {
            "error": scan.error,
            "language": scan.language,
            # vars() rather than asdict(): the fields are plain values, no deep copy needed.
            "incidents": [vars(i) for i in scan.incidents],
            "facts": scan.facts,
        }
    )


def _decode(path: str, payload: str) -> FileScan:
    data = json.loads(payload)
    incidents = [Incident(**item) for item in data["incidents"]]
    return FileScan(path, incidents, data["error"], data["language"], data.get("facts", []))


class ScanCache:
    def __init__(self, path: Path, ruleset: str) -> None:
        self.path = path
        self.ruleset = ruleset
        self._known: dict[str, tuple[str, str]] = {}
        try:
            with closing(sqlite3.connect(path)) as db:
                db.execute(_SCHEMA)
                rows = db.execute(
                    "SELECT path, content_hash, result FROM scans WHERE ruleset = ?", (ruleset,)
                )
                self._known = {p: (h, r) for p, h, r in rows}
        except sqlite3.Error:
            self._known = {}

    def hash_for(self, path: str) -> str | None:
        """The content hash a cached result for `path` was computed from, if any."""
        known = self._known.get(path)
        return known[0] if known else None

    def result(self, path: str) -> FileScan:
        return _decode(path, self._known[path][1])

    def store(self, entries: Iterable[tuple[str, FileScan]]) -> None:
        """Save (content hash, scan) pairs; failures are ignored (the cache is optional)."""
        rows = [(scan.path, digest, self.ruleset, _encode(scan)) for digest, scan in entries]
        if not rows:
            return
        try:
            prepare_folder(self.path.parent)
            with closing(sqlite3.connect(self.path)) as db, db:
                db.execute(_SCHEMA)
                db.executemany("INSERT OR REPLACE INTO scans VALUES (?, ?, ?, ?)", rows)
        except (sqlite3.Error, OSError):
            pass
