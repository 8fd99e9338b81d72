"""Model answers cached by (provider, model digest, prompt hash): a re-run asks nothing twice.

SQLite in `.migrator/model-cache.db`. The digest changes when the weights do, the prompt hash
when anything sent changes (messages, schema, sampling options), so a hit is the same question
to the same model. A damaged cache is ignored: it only saves time.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import asdict, replace
from datetime import datetime, timezone
from pathlib import Path

from migrator.model.chat import ChatReply
from migrator.store import prepare_folder

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    provider TEXT NOT NULL,
    digest TEXT NOT NULL,
    prompt_hash TEXT NOT NULL,
    reply TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (provider, digest, prompt_hash)
)
"""


class AnswerCache:
    """Thread-safe: the fix service asks from several request threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        try:
            prepare_folder(path.parent)  # .migrator/ with its .gitignore, like the other state
            self._db = sqlite3.connect(path, check_same_thread=False, timeout=5)
            with self._db:
                self._db.execute(_SCHEMA)
        except (sqlite3.Error, OSError):
            self.close()

    def get(self, provider: str, digest: str, prompt_hash: str) -> ChatReply | None:
        if self._db is None:
            return None
        with self._lock:
            try:
                row = self._db.execute(
                    "SELECT reply FROM answers WHERE provider=? AND digest=? AND prompt_hash=?",
                    (provider, digest, prompt_hash),
                ).fetchone()
            except sqlite3.Error:
                return None
        if row is None:
            return None
        try:
            return replace(ChatReply(**json.loads(row[0])), cached=True)
        except (ValueError, TypeError):
            return None

    def put(self, provider: str, digest: str, prompt_hash: str, reply: ChatReply) -> None:
        if self._db is None:
            return
        payload = json.dumps(asdict(replace(reply, cached=False)))
        stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self._lock:
            try:
                with self._db:
                    self._db.execute(
                        "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?)",
                        (provider, digest, prompt_hash, payload, stamp),
                    )
            except sqlite3.Error:
                pass

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
