"""Machine-readable JSON, the shape scripts and CI read (see design.md, "Incidents and proposals").

Keys are sorted and incidents ordered by (path, line, column, rule), so the same scan gives the same
bytes and diffs between two runs show only what changed.
"""

from __future__ import annotations

import json
from dataclasses import asdict

import migrator
from migrator.engine.results import RuleMeta, ScanResult
from migrator.report.summary import active_rules, sorted_errors, sorted_incidents, summarise


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
        # Every rule that ran, so a saved scan can be turned into a report without the rule packs.
        "rules": [rule_json(rule) for rule in active_rules(result)],
        **_baseline(result),
    }


def rule_json(rule: RuleMeta) -> dict[str, object]:
    """A rule's metadata as JSON (no matcher: what a report needs to explain an incident)."""
    return {
        "id": rule.id,
        "pack": rule.pack,
        "language": rule.language,
        "message": rule.message,
        "description": rule.description,
        "severity": rule.severity,
        "category": rule.category,
        "effort": rule.effort,
        "labels": list(rule.labels),
        "links": [{"url": link.url, "title": link.title} for link in rule.links],
        "hint": rule.hint,
        "fixable": rule.fixable,
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
