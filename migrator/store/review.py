"""What the review screen reads in bulk, and where it keeps its place.

`summaries()` is one light row per proposal (no texts, no diff) with what its incidents say
(first line, highest severity, first message), read with two queries so that ten thousand
proposals load in a blink. `review_state` is a small key/value table (cursor, filter).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from migrator.engine.results import SEVERITY_RANK
from migrator.store.proposals import Origin, ProposalStore, Status


@dataclass(frozen=True)
class ProposalSummary:
    """One proposal as a list shows it."""

    id: int
    path: str
    rules: tuple[str, ...]
    origin: Origin
    status: Status
    valid: bool
    model: str = ""
    revision: str = ""  # "edited" / "regenerated" when it replaced another proposal
    line: int = 0  # its first incident's line (0 when the incidents are unknown)
    severity: str = ""  # the highest severity among its incidents
    message: str = ""  # its first incident's message


_PROPOSALS = "SELECT id, path, rules, origin, status, valid, model, revision FROM proposals"
_INCIDENTS = (
    "SELECT p.id AS id, i.line AS line, json_extract(i.data, '$.severity') AS severity,"
    " json_extract(i.data, '$.message') AS message"
    " FROM proposals AS p, json_each(p.incidents) AS j"
    " JOIN incidents AS i ON i.fingerprint = j.value"
)


def summaries(store: ProposalStore, proposal_id: int | None = None) -> list[ProposalSummary]:
    """Every proposal (or the one `proposal_id` names), by id."""
    db = store.connection
    where, values = (" WHERE p.id = ?", (proposal_id,)) if proposal_id is not None else ("", ())
    facts: dict[int, tuple[int, str, str]] = {}  # id -> (first line, worst severity, message)
    for row in db.execute(_INCIDENTS + where, values):
        line, severity, message = row["line"], row["severity"] or "", row["message"] or ""
        known = facts.get(row["id"])
        if known is not None:
            if known[0] <= line:
                line, message = known[0], known[2]
            severity = max(known[1], severity, key=lambda s: SEVERITY_RANK.get(s, 0))
        facts[row["id"]] = (line, severity, message)
    rows = db.execute(_PROPOSALS + where.replace("p.id", "id") + " ORDER BY id", values)
    return [_summary(row, *facts.get(row["id"], (0, "", ""))) for row in rows]


def summary(store: ProposalStore, proposal_id: int) -> ProposalSummary | None:
    """One proposal's summary (after a decision or a new proposal), or None if it is gone."""
    found = summaries(store, proposal_id)
    return found[0] if found else None


def _summary(row: sqlite3.Row, line: int, severity: str, message: str) -> ProposalSummary:
    return ProposalSummary(
        id=row["id"],
        path=row["path"],
        rules=tuple(json.loads(row["rules"])),
        origin=row["origin"],
        status=row["status"],
        valid=bool(row["valid"]),
        model=row["model"],
        revision=row["revision"],
        line=line,
        severity=severity,
        message=message,
    )


def read_state(store: ProposalStore, key: str) -> str | None:
    """A value the review screen saved (None when never saved)."""
    row = store.connection.execute("SELECT value FROM review_state WHERE key = ?", (key,))
    found = row.fetchone()
    return None if found is None else str(found["value"])


def write_state(store: ProposalStore, key: str, value: str) -> None:
    """Save `value` under `key` now (committed at once)."""
    with store.connection as db:
        db.execute("INSERT OR REPLACE INTO review_state (key, value) VALUES (?, ?)", (key, value))
