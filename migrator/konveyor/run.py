"""Run a catalogue's rules over per-file hits, in Konveyor's order, into a `KonveyorOutcome`.

Rules the label selector leaves out are `skipped`. Tagging rules run first (those that test tags
last among them) so that `builtin.hasTags` sees every tag; then the other rules. A matched rule
with an effort is a violation, one without an insight; a rule that uses a condition the engine
cannot evaluate is listed under `errors` once, with the reasons.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from migrator.konveyor.evaluate import ChainError, Context, Raw, evaluate
from migrator.konveyor.incidents import IncidentBuilder
from migrator.konveyor.model import Catalogue, Rule, RuleSet
from migrator.konveyor.output import KonveyorOutcome, RulesetOutput, Violation
from migrator.konveyor.selector import LabelSelector
from migrator.konveyor.templates import render

_TAG_STRING = re.compile(r"^(?:[\w\- ()]+=)?([\w\- ()]+(?:, *[\w\- (),]+)*),?$")


def tag_names(tag: str) -> list[str]:
    """`Category=a, b` -> [a, b]: the names `builtin.hasTags` tests (Konveyor's parsing)."""
    match = _TAG_STRING.match(tag)
    if match is None:
        return []
    return [part.strip() for part in match.group(1).split(",") if part.strip()]


def unsupported_reason(rule: Rule) -> str:
    reasons = [f"{leaf.name or 'condition'}: {leaf.unsupported}" for leaf in rule.unsupported()]
    return "unsupported condition: " + "; ".join(dict.fromkeys(reasons)) if reasons else ""


def _uses_has_tags(rule: Rule) -> bool:
    return any(leaf.name == "builtin.hasTags" for leaf in rule.leaves())


@dataclass
class _Run:
    catalogue: Catalogue
    hits: dict[int, list[Raw]]
    paths: Sequence[str]
    builder: IncidentBuilder
    selector: LabelSelector | None

    def __post_init__(self) -> None:
        self.tags: set[str] = set()
        self.outputs = {
            rs.name: RulesetOutput(rs.name, rs.description) for rs in self.catalogue.rulesets
        }

    def selected(self, rule: Rule, ruleset: RuleSet) -> bool:
        if self.selector is None:
            return True
        return self.selector.matches((*rule.labels, *ruleset.labels))

    def run(self) -> KonveyorOutcome:
        tagging: list[tuple[Rule, RuleSet]] = []
        others: list[tuple[Rule, RuleSet]] = []
        for ruleset in self.catalogue.rulesets:
            for rule in ruleset.rules:
                if not self.selected(rule, ruleset):
                    self.outputs[ruleset.name].skipped.append(rule.id)
                else:
                    (tagging if rule.is_tagging else others).append((rule, ruleset))
        tagging.sort(key=lambda pair: _uses_has_tags(pair[0]))
        for rule, ruleset in [*tagging, *others]:
            self.one(rule, ruleset)
        return KonveyorOutcome(list(self.outputs.values()))

    def one(self, rule: Rule, ruleset: RuleSet) -> None:
        output = self.outputs[ruleset.name]
        reason = unsupported_reason(rule)
        if reason:
            output.errors[rule.id] = reason
        try:
            response = evaluate(rule.when, Context(self.hits, self.paths, self.tags))
        except ChainError as exc:
            output.errors[rule.id] = str(exc)
            return
        incidents = self.builder.build(rule, response.incidents) if response.matched else []
        if not incidents:
            if not reason:
                output.unmatched.append(rule.id)
            return
        labels = [*rule.labels, *ruleset.labels]
        if rule.is_tagging:
            labels += [f"tag={tag}" for tag in self.tag(rule, response.incidents, output)]
        violation = Violation(
            description=rule.description,
            category=None if rule.is_tagging and not rule.message else rule.category,
            labels=tuple(dict.fromkeys(labels)),
            links=rule.links,
            effort=rule.effort,
            incidents=tuple(incidents),
        )
        table = output.violations if rule.effort else output.insights
        table[rule.id] = violation

    def tag(self, rule: Rule, raws: list[Raw], output: RulesetOutput) -> list[str]:
        """Record a tagging rule's tags (templated per incident) and return them as written."""
        written: dict[str, None] = {}
        for tag in rule.tags:
            if "{{" in tag:
                for raw in raws:
                    written[render(tag, {**raw.variables, "lineNumber": raw.line})] = None
            else:
                written[tag] = None
        for tag in written:
            self.tags.update(tag_names(tag))
            if tag not in output.tags:
                output.tags.append(tag)
        return list(written)


def run_catalogue(
    catalogue: Catalogue,
    hits: dict[int, list[Raw]],
    paths: Sequence[str],
    builder: IncidentBuilder,
    selector: LabelSelector | None = None,
) -> KonveyorOutcome:
    """Evaluate every rule of `catalogue` (those `selector` keeps) over the files' hits."""
    return _Run(catalogue, hits, paths, builder, selector).run()
