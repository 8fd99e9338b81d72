"""Proposals, failed attempts and review decisions in `.migrator/state.db` (SQLite).

Written for the review TUI as much as for `fix` and `apply`: every status change is committed
at once with its time and an optional remark, and each decision is kept in a history that
`undo()` walks back (a batch of decisions, such as "accept every deterministic proposal", as
one). WAL mode lets a reader (the TUI) and a writer (`fix`) share the file.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

from migrator.engine.results import Incident
from migrator.errors import EnvironmentProblem
from migrator.store import ensure_state_dir
from migrator.store.schema import migrate

if TYPE_CHECKING:
    from migrator.vcs.repository import Repository

STATE_DB = "state.db"
Status = Literal["proposed", "accepted", "rejected", "applied"]
Origin = Literal["deterministic", "model"]
STATUSES: tuple[Status, ...] = ("proposed", "accepted", "rejected", "applied")


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class NewProposal:
    """A proposed edit of one file: bytes [start, end) of its UTF-8 text become `new_text`."""

    path: str
    start: int
    end: int
    old_text: str
    new_text: str
    diff: str
    origin: Origin
    rules: tuple[str, ...]
    incidents: tuple[str, ...]  # fingerprints
    base_hash: str  # sha256 of the file's bytes the edit applies to
    valid: bool
    validation: dict[str, Any] = field(default_factory=dict)
    model: str = ""
    model_digest: str = ""
    prompt_hash: str = ""
    revises: int = 0  # the proposal this one replaces (edited or regenerated in review)
    revision: str = ""  # how: "edited" or "regenerated"


@dataclass(frozen=True)
class Proposal(NewProposal):
    id: int = 0
    status: Status = "proposed"
    status_at: str = ""
    created_at: str = ""


@dataclass(frozen=True)
class Attempt:
    """A model answer that did not become a proposal, and why."""

    path: str
    start: int
    end: int
    rules: tuple[str, ...]
    incidents: tuple[str, ...]
    number: int  # 1-based attempt within its region
    model: str
    model_digest: str
    prompt_hash: str
    answer: str
    reason: str
    created_at: str = ""
    id: int = 0


@dataclass(frozen=True)
class Decision:
    id: int
    proposal: int
    before: Status
    after: Status
    remark: str
    at: str
    undone: bool = False
    batch: int = 0  # decisions made together share a batch number (0: alone)


class ProposalStore:
    """One connection to `state.db`; use it from one thread, close it (or `with`) when done."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._db = sqlite3.connect(path, timeout=10)
        except sqlite3.Error as exc:
            raise EnvironmentProblem(f"cannot open {path}: {exc}") from exc
        self._db.row_factory = sqlite3.Row
        try:
            self._migrate()
        except BaseException:
            self._db.close()
            raise

    @classmethod
    def open(cls, root: Path, repo: Repository | None = None) -> ProposalStore:
        """The store of the tree at `root`; `.migrator/` is kept out of git (info/exclude)."""
        folder = ensure_state_dir(root)
        if repo is not None:
            repo.add_exclude("/" + repo.relative(folder).strip("/") + "/")
        return cls(folder / STATE_DB)

    def _migrate(self) -> None:
        with self._db:
            self._db.execute("PRAGMA journal_mode=WAL")
            # With WAL, NORMAL survives a crash of migrator (not a power cut) without an fsync
            # per status change; that fsync cost more than a whole proposal's validation.
            self._db.execute("PRAGMA synchronous=NORMAL")
            migrate(self._db, self.path)

    @property
    def connection(self) -> sqlite3.Connection:
        """The open connection, for the store package's own query modules."""
        return self._db

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> ProposalStore:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._db:  # one transaction, committed at once
            yield self._db

    # -- runs and incidents ------------------------------------------------------------------

    def begin_run(self, root: str, *, model: str = "", digest: str = "") -> int:
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO runs (started_at, root, model, model_digest) VALUES (?, ?, ?, ?)",
                (now(), root, model, digest),
            )
        return int(cursor.lastrowid or 0)

    def finish_run(self, run: int, summary: dict[str, Any]) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE runs SET finished_at = ?, summary = ? WHERE id = ?",
                (now(), json.dumps(summary), run),
            )

    def record_incidents(self, run: int, incidents: Iterable[Incident]) -> None:
        rows = [
            (i.fingerprint, i.rule, i.path, i.line, json.dumps(asdict(i)), run) for i in incidents
        ]
        with self._write() as db:
            db.executemany("INSERT OR REPLACE INTO incidents VALUES (?, ?, ?, ?, ?, ?)", rows)

    def incidents(self, fingerprints: Sequence[str]) -> list[Incident]:
        marks = ",".join("?" * len(fingerprints))
        rows = self._db.execute(
            f"SELECT data FROM incidents WHERE fingerprint IN ({marks})", tuple(fingerprints)
        )
        return [Incident(**json.loads(row["data"])) for row in rows]

    # -- proposals ---------------------------------------------------------------------------

    def add(self, run: int, proposal: NewProposal) -> int:
        """Store `proposal`; the same edit proposed again keeps its id, status and history."""
        key = (
            proposal.path,
            proposal.base_hash,
            proposal.start,
            proposal.end,
            proposal.origin,
            proposal.new_text,
        )
        where = (
            "path = ? AND base_hash = ? AND start_byte = ? AND end_byte = ? AND origin = ?"
            " AND new_text = ?"
        )
        with self._write() as db:
            row = db.execute(f"SELECT id FROM proposals WHERE {where}", key).fetchone()
            if row is not None:
                db.execute(
                    "UPDATE proposals SET last_run = ?, valid = ?, validation = ? WHERE id = ?",
                    (run, int(proposal.valid), json.dumps(proposal.validation), row["id"]),
                )
                return int(row["id"])
            stamp = now()
            cursor = db.execute(
                "INSERT INTO proposals (path, start_byte, end_byte, old_text, new_text, diff,"
                " origin, rules, incidents, model, model_digest, prompt_hash, base_hash, valid,"
                " validation, status, status_at, created_at, last_run, revises, revision)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'proposed', ?, ?, ?, ?, ?)",
                (
                    proposal.path,
                    proposal.start,
                    proposal.end,
                    proposal.old_text,
                    proposal.new_text,
                    proposal.diff,
                    proposal.origin,
                    json.dumps(list(proposal.rules)),
                    json.dumps(list(proposal.incidents)),
                    proposal.model,
                    proposal.model_digest,
                    proposal.prompt_hash,
                    proposal.base_hash,
                    int(proposal.valid),
                    json.dumps(proposal.validation),
                    stamp,
                    stamp,
                    run,
                    proposal.revises,
                    proposal.revision,
                ),
            )
        return int(cursor.lastrowid or 0)

    def prune(self, run: int, paths: Iterable[str]) -> int:
        """Forget undecided proposals for `paths` that this run did not propose again."""
        removed = 0
        with self._write() as db:
            for path in paths:
                cursor = db.execute(
                    "DELETE FROM proposals WHERE path = ? AND status = 'proposed'"
                    " AND last_run != ? AND id NOT IN (SELECT proposal FROM decisions)",
                    (path, run),
                )
                removed += cursor.rowcount
        return removed

    def proposals(
        self,
        *,
        status: Status | Sequence[Status] | None = None,
        origin: Origin | None = None,
        path: str | None = None,
        valid: bool | None = None,
    ) -> list[Proposal]:
        """Proposals filtered by any of the arguments, by path and position."""
        clauses: list[str] = []
        values: list[Any] = []
        if status is not None:
            wanted = [status] if isinstance(status, str) else list(status)
            clauses.append(f"status IN ({','.join('?' * len(wanted))})")
            values += wanted
        for column, value in (("origin", origin), ("path", path)):
            if value is not None:
                clauses.append(f"{column} = ?")
                values.append(value)
        if valid is not None:
            clauses.append("valid = ?")
            values.append(int(valid))
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._db.execute(
            f"SELECT * FROM proposals {where} ORDER BY path, start_byte, id", values
        )
        return [_proposal(row) for row in rows]

    def get(self, proposal_id: int) -> Proposal:
        row = self._db.execute("SELECT * FROM proposals WHERE id = ?", (proposal_id,)).fetchone()
        if row is None:
            raise KeyError(proposal_id)
        return _proposal(row)

    # -- decisions ---------------------------------------------------------------------------

    def set_status(self, proposal_id: int, status: Status, *, remark: str = "") -> Decision:
        """Change a proposal's status now, and record the decision (for history and undo)."""
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        before = self.get(proposal_id).status
        stamp = now()
        with self._write() as db:
            db.execute(
                "UPDATE proposals SET status = ?, status_at = ? WHERE id = ?",
                (status, stamp, proposal_id),
            )
            cursor = db.execute(
                "INSERT INTO decisions (proposal, before, after, remark, at) VALUES (?,?,?,?,?)",
                (proposal_id, before, status, remark, stamp),
            )
        return Decision(int(cursor.lastrowid or 0), proposal_id, before, status, remark, stamp)

    def history(self, proposal_id: int | None = None) -> list[Decision]:
        """Decisions, oldest first (of one proposal, or all)."""
        sql = "SELECT * FROM decisions" + (" WHERE proposal = ?" if proposal_id else "")
        rows = self._db.execute(sql + " ORDER BY id", (proposal_id,) if proposal_id else ())
        return [_decision(row) for row in rows]

    def decide(self, changes: Sequence[tuple[int, Status]], *, remark: str = "") -> list[Decision]:
        """Change several proposals' status in one transaction, as one batch that `undo()`
        reverts together. Proposals already in the wanted status are left alone."""
        if any(status not in STATUSES for _, status in changes):
            raise ValueError(f"unknown status in {changes!r}")
        stamp = now()
        with self._write() as db:
            batch = db.execute("SELECT coalesce(max(batch), 0) + 1 FROM decisions").fetchone()[0]
            for proposal_id, status in changes:
                row = db.execute("SELECT status FROM proposals WHERE id = ?", (proposal_id,))
                before = (row.fetchone() or {"status": None})["status"]
                if before is None:
                    raise KeyError(proposal_id)
                if before == status:
                    continue
                db.execute(
                    "UPDATE proposals SET status = ?, status_at = ? WHERE id = ?",
                    (status, stamp, proposal_id),
                )
                db.execute(
                    "INSERT INTO decisions (proposal, before, after, remark, at, batch)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (proposal_id, before, status, remark, stamp, batch),
                )
        rows = self._db.execute("SELECT * FROM decisions WHERE batch = ? ORDER BY id", (batch,))
        return [_decision(row) for row in rows]

    def undo(self) -> Decision | None:
        """Revert the latest decision not yet undone (not an `applied`: git undoes those)."""
        undone = self.undo_last()
        return undone[0] if undone else None

    def undo_last(self) -> list[Decision]:
        """Revert the latest decision not yet undone and the rest of its batch, newest first."""
        row = self._db.execute(
            "SELECT * FROM decisions WHERE undone = 0 ORDER BY id DESC LIMIT 1"
        ).fetchone()
        if row is None or row["after"] == "applied":
            return []
        if row["batch"]:
            rows = self._db.execute(
                "SELECT * FROM decisions WHERE undone = 0 AND batch = ? ORDER BY id DESC",
                (row["batch"],),
            ).fetchall()
        else:
            rows = [row]
        decisions = [_decision(r) for r in rows]
        stamp = now()
        with self._write() as db:
            for decision in decisions:
                db.execute(
                    "UPDATE proposals SET status = ?, status_at = ? WHERE id = ?",
                    (decision.before, stamp, decision.proposal),
                )
                db.execute("UPDATE decisions SET undone = 1 WHERE id = ?", (decision.id,))
        return decisions

    # -- attempts ----------------------------------------------------------------------------

    def add_attempt(self, run: int, attempt: Attempt) -> int:
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO attempts (run, path, start_byte, end_byte, rules, incidents, number,"
                " model, model_digest, prompt_hash, answer, reason, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    run,
                    attempt.path,
                    attempt.start,
                    attempt.end,
                    json.dumps(list(attempt.rules)),
                    json.dumps(list(attempt.incidents)),
                    attempt.number,
                    attempt.model,
                    attempt.model_digest,
                    attempt.prompt_hash,
                    attempt.answer,
                    attempt.reason,
                    attempt.created_at or now(),
                ),
            )
        return int(cursor.lastrowid or 0)

    def attempts(self, *, path: str | None = None, run: int | None = None) -> list[Attempt]:
        clauses, values = [], []
        for column, value in (("path", path), ("run", run)):
            if value is not None:
                clauses.append(f"{column} = ?")
                values.append(value)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._db.execute(f"SELECT * FROM attempts {where} ORDER BY id", values)
        return [
            Attempt(
                path=row["path"],
                start=row["start_byte"],
                end=row["end_byte"],
                rules=tuple(json.loads(row["rules"])),
                incidents=tuple(json.loads(row["incidents"])),
                number=row["number"],
                model=row["model"],
                model_digest=row["model_digest"],
                prompt_hash=row["prompt_hash"],
                answer=row["answer"],
                reason=row["reason"],
                created_at=row["created_at"],
                id=row["id"],
            )
            for row in rows
        ]


def _proposal(row: sqlite3.Row) -> Proposal:
    return Proposal(
        path=row["path"],
        start=row["start_byte"],
        end=row["end_byte"],
        old_text=row["old_text"],
        new_text=row["new_text"],
        diff=row["diff"],
        origin=row["origin"],
        rules=tuple(json.loads(row["rules"])),
        incidents=tuple(json.loads(row["incidents"])),
        base_hash=row["base_hash"],
        valid=bool(row["valid"]),
        validation=json.loads(row["validation"]),
        model=row["model"],
        model_digest=row["model_digest"],
        prompt_hash=row["prompt_hash"],
        id=row["id"],
        status=row["status"],
        status_at=row["status_at"],
        created_at=row["created_at"],
        revises=row["revises"],
        revision=row["revision"],
    )


def _decision(row: sqlite3.Row) -> Decision:
    return Decision(
        row["id"],
        row["proposal"],
        row["before"],
        row["after"],
        row["remark"],
        row["at"],
        bool(row["undone"]),
        row["batch"],
    )
