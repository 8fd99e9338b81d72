"""What a Konveyor evaluation produces, in the shape of Konveyor's `output.yaml`.

`KonveyorOutcome` holds one `RulesetOutput` per rule set (violations and insights keyed by rule
ID, tags, errors, unmatched and skipped rules); `--format konveyor` writes it as is, and every
other format reads the plain `Incident`s derived from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from migrator.konveyor.model import Link


@dataclass(frozen=True)
class KonveyorIncident:
    uri: str  # "" for an incident with no file (builtin.hasTags)
    message: str
    line: int | None = None
    code_snip: str = ""
    variables: dict[str, Any] = field(default_factory=dict)
    path: str = ""  # relative to the scan root, for migrator's own reports
    text: str = ""  # the incident's line, stripped (for fingerprints and snippets)

    def to_yaml(self) -> dict[str, Any]:
        out: dict[str, Any] = {"uri": self.uri, "message": self.message}
        if self.code_snip:
            out["codeSnip"] = self.code_snip
        if self.line is not None:
            out["lineNumber"] = self.line
        if self.variables:
            out["variables"] = dict(sorted(self.variables.items()))
        out["isDependencyIncident"] = False
        return out


@dataclass(frozen=True)
class Violation:
    description: str
    category: str | None
    labels: tuple[str, ...]
    links: tuple[Link, ...]
    effort: int | None
    incidents: tuple[KonveyorIncident, ...]

    def to_yaml(self) -> dict[str, Any]:
        out: dict[str, Any] = {"description": self.description}
        if self.category:
            out["category"] = self.category
        if self.labels:
            out["labels"] = sorted(self.labels)
        incidents = sorted(self.incidents, key=lambda i: (i.uri, i.line or 0, i.message))
        out["incidents"] = [incident.to_yaml() for incident in incidents]
        if self.links:
            links = sorted(self.links, key=lambda link: (link.title, link.url))
            out["links"] = [
                {"url": link.url, **({"title": link.title} if link.title else {})} for link in links
            ]
        if self.effort is not None:
            out["effort"] = self.effort
        return out


@dataclass
class RulesetOutput:
    name: str
    description: str = ""
    tags: list[str] = field(default_factory=list)
    violations: dict[str, Violation] = field(default_factory=dict)
    insights: dict[str, Violation] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    unmatched: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def to_yaml(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        if self.description:
            out["description"] = self.description
        if self.tags:
            out["tags"] = sorted(set(self.tags))
        for key, table in (("violations", self.violations), ("insights", self.insights)):
            if table:
                out[key] = {rule: table[rule].to_yaml() for rule in sorted(table)}
        if self.errors:
            out["errors"] = dict(sorted(self.errors.items()))
        if self.unmatched:
            out["unmatched"] = sorted(self.unmatched)
        if self.skipped:
            out["skipped"] = sorted(self.skipped)
        return out


@dataclass
class KonveyorOutcome:
    rulesets: list[RulesetOutput] = field(default_factory=list)

    def ruleset(self, name: str) -> RulesetOutput | None:
        return next((r for r in self.rulesets if r.name == name), None)
