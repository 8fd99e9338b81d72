"""Konveyor results as migrator's own values: `RuleMeta`s, `Incident`s and per-file errors.

Every report works on these; only `--format konveyor` also reads the `KonveyorOutcome`. A rule ID
used by two rule sets is qualified as `ruleset/ruleID` so incidents stay unambiguous.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from migrator.engine.results import Category, FileError, Incident, Link, RuleMeta, Severity
from migrator.konveyor.evaluate import Raw
from migrator.konveyor.incidents import IncidentBuilder, Reader
from migrator.konveyor.model import Catalogue, Rule
from migrator.konveyor.output import KonveyorOutcome
from migrator.konveyor.run import run_catalogue, unsupported_reason
from migrator.konveyor.selector import LabelSelector

CONTEXT_LINES = 100  # kantra's default --context-lines
_SEVERITY: dict[str, Severity] = {"mandatory": "error", "optional": "warning", "potential": "info"}


def rule_keys(catalogue: Catalogue) -> dict[tuple[str, str], str]:
    """(rule set, rule ID) -> the ID migrator reports (qualified only when ambiguous)."""
    counts = Counter(rule.id for rule in catalogue.rules())
    return {
        (rule.ruleset, rule.id): rule.id if counts[rule.id] == 1 else f"{rule.ruleset}/{rule.id}"
        for rule in catalogue.rules()
    }


def rule_meta(rule: Rule, key: str) -> RuleMeta:
    category: Category = rule.category or "potential"
    return RuleMeta(
        id=key,
        pack=rule.ruleset,
        language="konveyor",
        message=rule.message or rule.description,
        severity=_SEVERITY.get(rule.category or "", "info"),
        category=category,
        effort=rule.effort or 0,
        description=rule.description,
        labels=rule.labels,
        links=tuple(Link(link.url, link.title) for link in rule.links),
    )


def group_hits(scans: Iterable[tuple[str, list[Any]]]) -> dict[int, list[Raw]]:
    """Per-file facts `(path, [[leaf, line, variables], ...])` into raw incidents by leaf."""
    hits: dict[int, list[Raw]] = {}
    for path, facts in scans:
        for leaf, line, variables in facts:
            hits.setdefault(int(leaf), []).append(Raw(path, int(line), dict(variables)))
    return hits


def file_reader(root: Path) -> Reader:
    base = root if root.is_dir() else root.parent

    def read(path: str) -> list[str] | None:
        try:
            return (base / path).read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return None

    return read


def _incidents(outcome: KonveyorOutcome, catalogue: Catalogue) -> list[Incident]:
    keys = rule_keys(catalogue)
    rules = {(r.ruleset, r.id): r for r in catalogue.rules()}
    out: list[Incident] = []
    for ruleset in outcome.rulesets:
        for table in (ruleset.violations, ruleset.insights):
            for rule_id, violation in table.items():
                rule = rules[(ruleset.name, rule_id)]
                meta = rule_meta(rule, keys[(ruleset.name, rule_id)])
                out += _rule_incidents(meta, violation.incidents)
    return out


def _rule_incidents(meta: RuleMeta, incidents: Iterable[Any]) -> list[Incident]:
    out = []
    seen: Counter[tuple[str, str]] = Counter()
    for item in incidents:
        if not item.path:
            continue  # a tag with no file (builtin.hasTags): nothing to point at
        identity = (item.path, " ".join(item.text.split()))
        digest = hashlib.sha256(
            f"{meta.id}\0{item.path}\0{identity[1]}\0{seen[identity]}".encode()
        ).hexdigest()
        seen[identity] += 1
        line = item.line or 1
        out.append(
            Incident(
                rule=meta.id,
                path=item.path,
                line=line,
                column=1,
                end_line=line,
                end_column=max(1, len(item.text) + 1),
                message=item.message or meta.description,
                severity=meta.severity,
                category=meta.category,
                effort=meta.effort,
                snippet=item.text,
                fix="model",
                fingerprint=digest[:24],
            )
        )
    return out


def unsupported_errors(catalogue: Catalogue) -> list[FileError]:
    """One error per rule that uses a condition the engine cannot evaluate."""
    out = []
    for rule in catalogue.rules():
        reason = unsupported_reason(rule)
        if reason:
            out.append(FileError(rule.source, f"rule {rule.id}: {reason}"))
    return out


def evaluate_scan(
    catalogue: Catalogue,
    scans: Iterable[tuple[str, list[Any]]],
    paths: list[str],
    root: Path,
    selector: LabelSelector | None = None,
) -> tuple[KonveyorOutcome, list[Incident], dict[str, RuleMeta]]:
    """Phase two of a scan: the outcome, its incidents and the metadata of every rule."""
    base = root if root.is_dir() else root.parent
    builder = IncidentBuilder(base.resolve().as_uri(), file_reader(root), CONTEXT_LINES)
    outcome = run_catalogue(catalogue, group_hits(scans), paths, builder, selector)
    keys = rule_keys(catalogue)
    metas = {
        keys[(r.ruleset, r.id)]: rule_meta(r, keys[(r.ruleset, r.id)]) for r in catalogue.rules()
    }
    return outcome, _incidents(outcome, catalogue), metas
