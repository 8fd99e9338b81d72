"""Counts and orderings every output format shares, so that all of them agree on the numbers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from migrator.engine.results import SEVERITY_RANK, FileError, Incident, RuleMeta, ScanResult

UNKNOWN_PACK = "unknown"


@dataclass(frozen=True)
class Summary:
    """The totals of one scan.

    `effort` is the sum of the incidents' efforts, i.e. each rule's effort times its incident count.
    """

    files: int
    incidents: int
    effort: int
    fixable: int  # incidents with a deterministic fix
    errors: int
    by_rule: dict[str, int]
    by_severity: dict[str, int]


def summarise(result: ScanResult) -> Summary:
    """Count a scan's incidents by rule and severity, and total their effort."""
    by_severity = dict.fromkeys(
        sorted(SEVERITY_RANK, key=SEVERITY_RANK.__getitem__, reverse=True), 0
    )
    for incident in result.incidents:
        by_severity[incident.severity] += 1
    return Summary(
        files=result.files,
        incidents=len(result.incidents),
        effort=sum(incident.effort for incident in result.incidents),
        fixable=sum(1 for incident in result.incidents if incident.fix == "deterministic"),
        errors=len(result.errors),
        by_rule=result.by_rule(),
        by_severity=by_severity,
    )


def sorted_incidents(incidents: Iterable[Incident]) -> list[Incident]:
    """Incidents in reading order: path, line, column, then rule (the rest only breaks ties)."""
    return sorted(
        incidents,
        key=lambda i: (i.path, i.line, i.column, i.rule, i.end_line, i.end_column, i.message),
    )


def sorted_errors(errors: Iterable[FileError]) -> list[FileError]:
    """File errors by path, so output does not depend on the order files were scanned in."""
    return sorted(errors, key=lambda e: (e.path, e.message))


def incidents_by_rule(result: ScanResult) -> dict[str, list[Incident]]:
    """Each rule id with its incidents in reading order; rules without incidents are absent."""
    groups: dict[str, list[Incident]] = {}
    for incident in sorted_incidents(result.incidents):
        groups.setdefault(incident.rule, []).append(incident)
    return groups


def active_rules(result: ScanResult) -> list[RuleMeta]:
    """Every rule that ran, sorted by id.

    An incident whose rule is missing from `result.rules` still gets a rule, made from the incident,
    because SARIF and JUnit need one to hang it on and dropping the incident would hide a finding.
    """
    rules = dict(result.rules)
    for incident in result.incidents:
        if incident.rule not in rules:
            rules[incident.rule] = _rule_from_incident(incident)
    return [rules[rule_id] for rule_id in sorted(rules)]


def _rule_from_incident(incident: Incident) -> RuleMeta:
    return RuleMeta(
        id=incident.rule,
        pack=UNKNOWN_PACK,
        language="",
        message=incident.message,
        severity=incident.severity,
        category=incident.category,
        effort=incident.effort,
        fixable=incident.fix == "deterministic",
    )


def plural(count: int, noun: str) -> str:
    """`1 incident`, `2 incidents`."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
