"""Plain text for people: incidents grouped by rule, worst severity first, then a summary line.

No colour here (the CLI may add it); control characters from scanned code are shown escaped, so a
message cannot move the cursor or clear a terminal.
"""

from __future__ import annotations

from migrator.engine.patterns import METAVAR_REF
from migrator.engine.results import (
    SEVERITY_RANK,
    BaselineComparison,
    Incident,
    RuleMeta,
    ScanResult,
)
from migrator.report.summary import (
    Summary,
    active_rules,
    incidents_by_rule,
    plural,
    sorted_errors,
    summarise,
)

INDENT = "    "


class TextReport:
    """`--format text`, the default."""

    name: str = "text"

    def render(self, result: ScanResult) -> str:
        """Group incidents by rule, then summarise the scan and list the files that failed."""
        groups = incidents_by_rule(result)
        rules = [rule for rule in active_rules(result) if rule.id in groups]
        rules.sort(key=lambda rule: (-SEVERITY_RANK[rule.severity], rule.id))
        lines: list[str] = []
        for rule in rules:
            lines.extend(_rule_block(rule, groups[rule.id]))
            lines.append("")
        if not rules:
            lines.extend(["No incidents found.", ""])
        lines.append(_summary_line(summarise(result)))
        if result.baseline is not None:
            lines.extend(_baseline_lines(result.baseline))
        if result.errors:
            lines.extend(["", "Errors:"])
            lines.extend(
                f"{INDENT}{visible(e.path)}: {visible(e.message)}"
                for e in sorted_errors(result.errors)
            )
        return "\n".join(lines) + "\n"


def _title(rule: RuleMeta) -> str:
    """The rule's description, else its message with each metavariable shown as `…`."""
    return rule.description or METAVAR_REF.sub("…", rule.message)


def _rule_block(rule: RuleMeta, incidents: list[Incident]) -> list[str]:
    effort = sum(incident.effort for incident in incidents)
    header = (
        f"{rule.severity} {rule.id}: {plural(len(incidents), 'incident')}, effort {effort}"
        f" - {visible(_title(rule))}"
    )
    return [header] + [
        f"{INDENT}{visible(i.path)}:{i.line}:{i.column}  {visible(i.message)}" for i in incidents
    ]


def _baseline_lines(baseline: BaselineComparison) -> list[str]:
    lines = [
        f"Baseline {visible(baseline.file)}: {plural(baseline.known, 'known incident')} "
        f"not shown, {len(baseline.fixed)} fixed since it was recorded"
    ]
    lines += [f"{INDENT}fixed: {visible(e.path)}:{e.line} {e.rule}" for e in baseline.fixed]
    return lines


def _summary_line(summary: Summary) -> str:
    return ", ".join(
        [
            f"{summary.files} files scanned" if summary.files != 1 else "1 file scanned",
            plural(summary.incidents, "incident"),
            f"effort {summary.effort}",
            f"{summary.fixable} auto-fixable",
            plural(summary.errors, "error"),
        ]
    )


def visible(text: str) -> str:
    """Escape characters a terminal would act on (and line breaks, which would split a line)."""
    if text.isprintable():
        return text
    return "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text
    )
