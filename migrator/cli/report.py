"""`migrator report`: one self-contained HTML page to look at a scan with managers and teams."""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import re
import sqlite3
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

from migrator.cli.output import write_output
from migrator.cli.scan import add_scan_options, run_scan
from migrator.engine.results import FileError, Incident, Link, RuleMeta, ScanResult
from migrator.errors import ConfigError, ExitCode, UsageError
from migrator.report.html import HtmlReport, ProposalView
from migrator.store import state_dir

DEFAULT_OUTPUT = "migrator-report.html"
# What the report reads of the proposal store's `proposals` table (migrator/store/proposals.py);
# absent columns are left empty. `rules` and `incidents` hold JSON lists (rule ids, fingerprints);
# `rule`, `fingerprint` and `line` are read too where a store has them.
PROPOSAL_COLUMNS = (
    *("id", "status", "path", "diff", "origin", "model", "rules", "incidents"),
    *("rule", "fingerprint", "line"),
)
_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)", re.MULTILINE)
INCIDENT_KEYS = (
    *("rule", "path", "line", "column", "end_line", "end_column", "message"),
    *("severity", "category", "effort", "snippet", "fix"),
)


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "report", help="write an HTML report of a scan (one offline file)", description=__doc__
    )
    add_scan_options(parser)
    parser.add_argument(
        "--from",
        dest="source",
        metavar="SCAN_JSON",
        help="read a scan saved by `migrator scan -f json` instead of scanning; PATH, if given, "
        "is where its .migrator/ state (proposals) lives",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        default=DEFAULT_OUTPUT,
        help=f"where to write the page (default: {DEFAULT_OUTPUT}; - for standard output)",
    )
    parser.add_argument("--title", help="the page's title (default: from the scanned folder)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.source:
        if args.rules or len(args.paths) > 1 or args.changed_since:
            raise UsageError(
                "--from reads a saved scan: give it no --rules, --changed-since or second PATH"
            )
        result = load_scan(Path(args.source))
        root = Path(args.paths[0]) if args.paths else Path(".")
        name = root.resolve().name if args.paths else Path(args.source).stem
    else:
        result = run_scan(args)
        root = Path(result.root)
        name = root.resolve().name if root.is_dir() else root.name
    proposals = load_proposals(root)
    generated = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    report = HtmlReport(
        title=args.title or f"Migration report: {name or 'scan'}",
        generated=generated,
        proposals=proposals,
    )
    write_output(report.render(result), args.output)
    if args.output != "-":
        print(
            f"Wrote {args.output}: {len(result.incidents)} incidents in {result.files} files"
            + (f", {len(proposals)} proposals" if proposals else "")
            + "; open it in a browser (it needs no network).",
            file=sys.stderr,
        )
    return ExitCode.OK


def load_scan(path: Path) -> ScanResult:
    """A `ScanResult` from the JSON of `migrator scan -f json` (rules from its `rules` section,
    or made from the incidents for scans saved before it had one)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"no such file: {path}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("incidents"), list):
        raise ConfigError(
            f"{path} is not a migrator scan", hint="write one with `migrator scan -f json -o FILE`"
        )
    try:
        incidents = [_incident(item) for item in data["incidents"]]
        rules = {rule.id: rule for rule in map(_rule, data.get("rules", []))}
        errors = [FileError(e["path"], e["message"]) for e in data.get("errors", [])]
        files = int(data.get("summary", {}).get("files", 0))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ConfigError(f"{path}: malformed scan ({type(exc).__name__}: {exc})") from None
    return ScanResult(incidents=incidents, errors=errors, files=files, rules=rules, root=path.name)


def _incident(item: dict[str, Any]) -> Incident:
    fields = {key: item[key] for key in INCIDENT_KEYS}
    return Incident(**fields, fingerprint=item.get("fingerprint", ""))


def _rule(item: dict[str, Any]) -> RuleMeta:
    return RuleMeta(
        id=item["id"],
        pack=item["pack"],
        language=item.get("language", ""),
        message=item["message"],
        severity=item["severity"],
        category=item["category"],
        effort=int(item["effort"]),
        description=item.get("description", ""),
        labels=tuple(item.get("labels", ())),
        links=tuple(Link(link["url"], link.get("title", "")) for link in item.get("links", ())),
        hint=item.get("hint"),
        fixable=bool(item.get("fixable", False)),
    )


def load_proposals(root: Path) -> list[ProposalView]:
    """The proposals `migrator fix` recorded in `.migrator/state.db` beside `root`.

    Optional by design: [] when the proposal store is not part of this version of migrator, when
    no database exists, or when it has no `proposals` table with a `status` column. Read with
    SQL, read-only, rather than through `ProposalStore`, whose opening migrates the schema: making
    a report never changes the state a review is based on. Columns read: PROPOSAL_COLUMNS.
    """
    if importlib.util.find_spec("migrator.store.proposals") is None:
        return []
    database = state_dir(root) / "state.db"
    if not database.is_file():
        return []
    try:
        with closing(sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)) as db:
            present = {row[1] for row in db.execute("PRAGMA table_info(proposals)")}
            if "status" not in present:
                return []
            columns = [c for c in PROPOSAL_COLUMNS if c in present]
            # Column names come from PROPOSAL_COLUMNS, never from the database: nothing to inject.
            query = f"SELECT {', '.join(columns)} FROM proposals"
            rows = [dict(zip(columns, row, strict=True)) for row in db.execute(query)]
    except sqlite3.Error:
        return []  # a damaged or locked store must not stop a report
    return [_proposal(position, row) for position, row in enumerate(rows)]


def _proposal(position: int, row: dict[str, Any]) -> ProposalView:
    def text(key: str) -> str:
        value = row.get(key)
        return "" if value is None else str(value)

    diff = text("diff")
    line = row.get("line")
    if not isinstance(line, int):
        hunk = _HUNK.search(diff)  # where the edit starts, from its first hunk
        line = int(hunk.group(1)) if hunk else 0
    origin = text("origin")
    if text("model"):
        origin = f"{origin} {text('model')}".strip()
    return ProposalView(
        id=text("id") or str(position + 1),
        status=text("status") or "proposed",
        path=text("path"),
        line=line,
        rules=_names(row.get("rules")) or _names(row.get("rule")),
        fingerprints=_names(row.get("incidents")) or _names(row.get("fingerprint")),
        origin=origin,
        diff=diff,
    )


def _names(value: object) -> tuple[str, ...]:
    """A JSON list of strings, or one plain string, as a tuple."""
    if not isinstance(value, str) or not value:
        return ()
    if value.startswith("["):
        try:
            items = json.loads(value)
        except json.JSONDecodeError:
            return (value,)
        return tuple(str(item) for item in items) if isinstance(items, list) else (value,)
    return (value,)
