"""Which proposals a reviewer sees, and in what order: the filter (rule, status, origin,
severity, search text), grouping by rule then file, and the saved position (JSON)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from migrator.store.review import ProposalSummary

STATUS_CHOICES = ("proposed", "accepted", "rejected", "applied")
ORIGIN_CHOICES = ("deterministic", "model")
SEVERITY_CHOICES = ("error", "warning", "info")


def group_of(row: ProposalSummary) -> str:
    """The rule group a proposal is listed under (several rules: all of them)."""
    return ", ".join(row.rules)


def sort_key(row: ProposalSummary) -> tuple[str, str, int, int]:
    return (group_of(row), row.path, row.line, row.id)


@dataclass(frozen=True)
class ReviewFilter:
    """Empty fields let everything through; `search` matches path, rule, message or `#id`."""

    rule: str = ""
    status: str = ""
    origin: str = ""
    severity: str = ""
    search: str = ""

    def matches(self, row: ProposalSummary) -> bool:
        if self.rule and self.rule not in row.rules:
            return False
        if self.status and row.status != self.status:
            return False
        if self.origin and row.origin != self.origin:
            return False
        if self.severity and row.severity != self.severity:
            return False
        if self.search:
            needle = self.search.lower()
            return any(
                needle in text.lower()
                for text in (row.path, group_of(row), row.message, f"#{row.id}")
            )
        return True

    @property
    def active(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def describe(self) -> str:
        """`rule=x status=accepted "text"`, or "all" without a filter."""
        parts = [
            f"{f.name}={getattr(self, f.name)}"
            for f in fields(self)
            if f.name != "search" and getattr(self, f.name)
        ]
        if self.search:
            parts.append(f'"{self.search}"')
        return " ".join(parts) or "all"

    def with_search(self, text: str) -> ReviewFilter:
        return replace(self, search=text)

    def position_to_json(self, proposal_id: int | None) -> str:
        return json.dumps({"proposal": proposal_id, "filter": asdict(self)}, sort_keys=True)

    @classmethod
    def position_from_json(cls, text: str | None) -> tuple[int | None, ReviewFilter]:
        """(proposal id, filter) from `position_to_json`; a damaged value reads as no position."""
        try:
            data: Any = json.loads(text or "{}")
            names = {f.name for f in fields(cls)}
            saved = data.get("filter") or {}
            wanted = cls(**{k: str(v) for k, v in saved.items() if k in names})
            proposal = data.get("proposal")
            return (proposal if isinstance(proposal, int) else None), wanted
        except (ValueError, TypeError, AttributeError):
            return None, cls()
