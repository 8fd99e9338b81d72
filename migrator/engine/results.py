"""Plain values produced by a scan: incidents, per-file errors, and rule metadata for reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning", "info"]
Category = Literal["mandatory", "optional", "potential"]
Fixability = Literal["deterministic", "model", "none"]

SEVERITY_RANK: dict[str, int] = {"info": 1, "warning": 2, "error": 3}


@dataclass(frozen=True)
class Link:
    url: str
    title: str = ""


@dataclass(frozen=True)
class RuleMeta:
    """What a report needs to know about a rule (no matcher, no YAML)."""

    id: str
    pack: str
    language: str
    message: str
    severity: Severity
    category: Category
    effort: int
    description: str = ""
    labels: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    hint: str | None = None
    fixable: bool = False


@dataclass(frozen=True)
class Incident:
    """One place where a rule matched. Lines and columns are 1-based; columns count characters."""

    rule: str
    path: str  # relative to the scan root, POSIX separators
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    severity: Severity
    category: Category
    effort: int
    snippet: str
    fix: Fixability
    fingerprint: str = ""
    start_byte: int = 0  # offsets into the UTF-8 text the file decoded to
    end_byte: int = 0

    def to_json(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "message": self.message,
            "severity": self.severity,
            "category": self.category,
            "effort": self.effort,
            "snippet": self.snippet,
            "fix": self.fix,
            "fingerprint": self.fingerprint,
        }


@dataclass(frozen=True)
class FileError:
    """A file that could not be scanned (or was skipped for a reason worth telling)."""

    path: str
    message: str


@dataclass(frozen=True)
class BaselineEntry:
    """One incident recorded in a baseline file, identified by its fingerprint."""

    fingerprint: str
    rule: str
    path: str
    line: int
    message: str = ""


@dataclass(frozen=True)
class BaselineComparison:
    """How a scan compares with a baseline: the incidents it hid and those now gone."""

    file: str
    known: int
    fixed: tuple[BaselineEntry, ...] = ()


@dataclass
class ScanResult:
    incidents: list[Incident] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    files: int = 0
    rules: dict[str, RuleMeta] = field(default_factory=dict)
    root: str = "."
    # Where the scan root sits in its repository ("services/api/"), for repository-relative paths.
    path_prefix: str = ""
    baseline: BaselineComparison | None = None
    # The paths a scan was limited to (--changed-since); None when it covered the whole tree.
    scope: frozenset[str] | None = None
    # What evaluators beside the rule packs produced, by name, for the formats that show it
    # ("konveyor": the rule sets' violations, tags, unmatched and skipped rules).
    extras: dict[str, object] = field(default_factory=dict)

    def by_rule(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for incident in self.incidents:
            counts[incident.rule] = counts.get(incident.rule, 0) + 1
        return dict(sorted(counts.items()))

    def worst_severity_rank(self) -> int:
        return max((SEVERITY_RANK[i.severity] for i in self.incidents), default=0)
