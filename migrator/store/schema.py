"""The schema of `.migrator/state.db` and its additive migrations, one step per version."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from migrator.errors import EnvironmentProblem

SCHEMA_VERSION = 2

_SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT, root TEXT NOT NULL,
    model TEXT NOT NULL DEFAULT '', model_digest TEXT NOT NULL DEFAULT '', summary TEXT
);
CREATE TABLE IF NOT EXISTS incidents (
    fingerprint TEXT PRIMARY KEY, rule TEXT NOT NULL, path TEXT NOT NULL, line INTEGER NOT NULL,
    data TEXT NOT NULL, last_run INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS proposals (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL, start_byte INTEGER NOT NULL, end_byte INTEGER NOT NULL,
    old_text TEXT NOT NULL, new_text TEXT NOT NULL, diff TEXT NOT NULL,
    origin TEXT NOT NULL CHECK (origin IN ('deterministic', 'model')),
    rules TEXT NOT NULL, incidents TEXT NOT NULL,
    model TEXT NOT NULL DEFAULT '', model_digest TEXT NOT NULL DEFAULT '',
    prompt_hash TEXT NOT NULL DEFAULT '', base_hash TEXT NOT NULL,
    valid INTEGER NOT NULL, validation TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'proposed'
        CHECK (status IN ('proposed', 'accepted', 'rejected', 'applied')),
    status_at TEXT NOT NULL, created_at TEXT NOT NULL, last_run INTEGER NOT NULL,
    UNIQUE (path, base_hash, start_byte, end_byte, origin, new_text)
);
CREATE INDEX IF NOT EXISTS proposals_by_status ON proposals (status, origin);
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY, run INTEGER NOT NULL, path TEXT NOT NULL,
    start_byte INTEGER NOT NULL, end_byte INTEGER NOT NULL, rules TEXT NOT NULL,
    incidents TEXT NOT NULL, number INTEGER NOT NULL, model TEXT NOT NULL,
    model_digest TEXT NOT NULL, prompt_hash TEXT NOT NULL, answer TEXT NOT NULL,
    reason TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY, proposal INTEGER NOT NULL REFERENCES proposals (id),
    before TEXT NOT NULL, after TEXT NOT NULL, remark TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL, undone INTEGER NOT NULL DEFAULT 0
);
"""
# Additive steps from one schema version to the next: (table, column, definition) to add, then
# statements. Each column is added only when missing, so two processes migrating at once agree.
_MIGRATIONS: dict[int, tuple[tuple[tuple[str, str, str], ...], tuple[str, ...]]] = {
    2: (
        (
            ("decisions", "batch", "INTEGER NOT NULL DEFAULT 0"),  # decisions undone together
            ("proposals", "revises", "INTEGER NOT NULL DEFAULT 0"),  # id this one replaces
            ("proposals", "revision", "TEXT NOT NULL DEFAULT ''"),  # 'edited' | 'regenerated'
        ),
        ("CREATE TABLE IF NOT EXISTS review_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)",),
    ),
}


def migrate(db: sqlite3.Connection, path: Path) -> None:
    """Create the tables and bring an older file up to `SCHEMA_VERSION` (inside the caller's
    transaction). A file from a newer migrator is refused rather than misread."""
    db.executescript(_SCHEMA)
    row = db.execute("SELECT version FROM schema_version").fetchone()
    if row is None:
        db.execute("INSERT INTO schema_version VALUES (1)")
    elif row[0] > SCHEMA_VERSION:
        raise EnvironmentProblem(
            f"{path} was written by a newer migrator (schema {row[0]})",
            hint="upgrade migrator, or delete the file to start over",
        )
    version = 1 if row is None else int(row[0])
    for step in range(version + 1, SCHEMA_VERSION + 1):
        _upgrade(db, step)


def _upgrade(db: sqlite3.Connection, version: int) -> None:
    columns, statements = _MIGRATIONS[version]
    for table, column, definition in columns:
        present = {r[1] for r in db.execute(f"PRAGMA table_info({table})")}
        if column not in present:
            db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")
    for statement in statements:
        db.execute(statement)
    db.execute("UPDATE schema_version SET version = ?", (version,))
