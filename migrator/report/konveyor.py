"""Konveyor's `output.yaml`: a list of rule sets with violations, insights, tags, errors,
unmatched and skipped rules, which Konveyor's own tools (the static report) read.

Konveyor rule sets scanned with `--rules` come out as Konveyor evaluated them (`ScanResult.extras
["konveyor"]`); migrator's own packs come out too, one rule set per pack, their incidents as
violations (or insights when the rule has no effort).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import yaml

from migrator.engine.results import Incident, RuleMeta, ScanResult
from migrator.konveyor.model import Link
from migrator.konveyor.output import KonveyorIncident, KonveyorOutcome, RulesetOutput, Violation


class _Dumper(yaml.SafeDumper):
    """Block scalars for multi-line text (code snippets), as Konveyor writes them."""


def _string(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _string)


class KonveyorReport:
    """`--format konveyor`."""

    name: str = "konveyor"

    def render(self, result: ScanResult) -> str:
        """The whole scan as Konveyor's output.yaml (a YAML list of rule sets)."""
        outcome = result.extras.get("konveyor")
        rulesets = list(outcome.rulesets) if isinstance(outcome, KonveyorOutcome) else []
        rulesets += _native(result)
        if not rulesets:
            return "[]\n"
        documents = [ruleset.to_yaml() for ruleset in rulesets]
        return yaml.dump(
            documents, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100_000
        )


def _native(result: ScanResult) -> list[RulesetOutput]:
    """migrator's own rule packs, one Konveyor rule set each."""
    root = Path(result.root).resolve()
    base = root if root.is_dir() else root.parent
    by_rule: dict[str, list[Incident]] = defaultdict(list)
    for incident in result.incidents:
        by_rule[incident.rule].append(incident)
    packs: dict[str, RulesetOutput] = {}
    for rule_id, meta in sorted(result.rules.items()):
        if meta.language == "konveyor":
            continue
        output = packs.setdefault(meta.pack, RulesetOutput(meta.pack))
        incidents = by_rule.get(rule_id, [])
        if not incidents:
            output.unmatched.append(rule_id)
            continue
        table = output.violations if meta.effort else output.insights
        table[rule_id] = _violation(meta, incidents, base)
    return list(packs.values())


def _violation(meta: RuleMeta, incidents: list[Incident], base: Path) -> Violation:
    converted = tuple(
        KonveyorIncident(
            uri=(base / incident.path).as_uri(),
            message=incident.message,
            line=incident.line,
            code_snip=incident.snippet,
            path=incident.path,
        )
        for incident in incidents
    )
    return Violation(
        description=meta.description or meta.message,
        category=meta.category,
        labels=meta.labels,
        links=tuple(Link(link.url, link.title) for link in meta.links),
        effort=meta.effort or None,
        incidents=converted,
    )
