"""Output formats of `migrator scan`: one module per format behind the `Report` protocol.

A format is pure: it turns a `ScanResult` into text and neither prints nor writes files, so the CLI
decides where the text goes and tests compare strings.
"""

from __future__ import annotations

from typing import Protocol

from migrator.engine.results import ScanResult
from migrator.errors import UsageError
from migrator.report.github import GithubReport
from migrator.report.json import JsonReport
from migrator.report.junit import JunitReport
from migrator.report.konveyor import KonveyorReport
from migrator.report.sarif import SarifReport
from migrator.report.text import TextReport


class Report(Protocol):
    """An output format."""

    name: str
    """What `--format` calls it."""

    def render(self, result: ScanResult) -> str:
        """The whole report as text, ending with a newline; the same result gives the same text."""
        ...


FORMATS: dict[str, Report] = {
    "text": TextReport(),
    "json": JsonReport(),
    "sarif": SarifReport(),
    "junit": JunitReport(),
    "github": GithubReport(),
    "konveyor": KonveyorReport(),
}


def get_format(name: str) -> Report:
    """The format called `name`; a `UsageError` naming the valid ones if there is none."""
    try:
        return FORMATS[name]
    except KeyError:
        valid = ", ".join(sorted(FORMATS))
        raise UsageError(f"unknown format {name!r}; choose one of: {valid}") from None


__all__ = [
    "FORMATS",
    "GithubReport",
    "JsonReport",
    "JunitReport",
    "KonveyorReport",
    "Report",
    "SarifReport",
    "TextReport",
    "get_format",
]
