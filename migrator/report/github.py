"""`--format github`: GitHub Actions workflow commands, one annotation per incident.

GitHub shows them on the pull request's changed lines. Paths are made relative to the
repository root with `result.path_prefix`, as the runner expects.
"""

from __future__ import annotations

from migrator.engine.results import ScanResult
from migrator.report.summary import sorted_errors, sorted_incidents, summarise

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


class GithubReport:
    """`--format github`."""

    name: str = "github"

    def render(self, result: ScanResult) -> str:
        lines = []
        for i in sorted_incidents(result.incidents):
            file = _property(result.path_prefix + i.path)
            where = (
                f"file={file},line={i.line},col={i.column},endLine={i.end_line},"
                f"endColumn={i.end_column},title={_property(i.rule)}"
            )
            lines.append(f"::{LEVELS[i.severity]} {where}::{_data(i.message)}")
        for error in sorted_errors(result.errors):
            file = _property(result.path_prefix + error.path)
            lines.append(f"::warning file={file},title=migrator::{_data(error.message)}")
        summary = summarise(result)
        lines.append(
            f"migrator: {summary.incidents} incident(s) in {summary.files} file(s), "
            f"{summary.fixable} auto-fixable"
        )
        return "\n".join(lines) + "\n"
