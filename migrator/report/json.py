"""Machine-readable JSON, the shape scripts and CI read (see design.md, "Incidents and proposals").

Keys are sorted and incidents ordered by (path, line, column, rule), so the same scan gives the same
bytes and diffs between two runs show only what changed.
"""

from __future__ import annotations

import json
from dataclasses import asdict

import migrator
from migrator.engine.results import ScanResult
from migrator.report.summary import sorted_errors, sorted_incidents, summarise


class JsonReport:
    """`--format json`."""

    name: str = "json"

    def render(self, result: ScanResult) -> str:
        """The whole scan as one JSON document, indented by 2, ending with a newline."""
        return json.dumps(document(result), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def document(result: ScanResult) -> dict[str, object]:
    """The JSON value before serialisation (for callers that embed it in something bigger)."""
    summary = summarise(result)
    return {
        "version": migrator.__version__,
        "incidents": [incident.to_json() for incident in sorted_incidents(result.incidents)],
        "summary": {
            "files": summary.files,
            "incidents": summary.incidents,
            "effort": summary.effort,
            "by_rule": summary.by_rule,
            "by_severity": summary.by_severity,
            "fixable": summary.fixable,
            "errors": summary.errors,
        },
        "errors": [{"path": e.path, "message": e.message} for e in sorted_errors(result.errors)],
        **_baseline(result),
    }


def _baseline(result: ScanResult) -> dict[str, object]:
    if result.baseline is None:
        return {}
    return {
        "baseline": {
            "file": result.baseline.file,
            "known": result.baseline.known,
            "fixed": [asdict(entry) for entry in result.baseline.fixed],
        }
    }
