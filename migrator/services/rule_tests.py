"""Run the test cases written inside rules: `invalid` must match, `valid` must not."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from migrator.engine import languages
from migrator.engine.fixer import Fixer
from migrator.engine.rules import Rule, RuleSet
from migrator.engine.scanner import Scanner

Outcome = Literal["passed", "failed", "skipped"]


@dataclass(frozen=True)
class CaseResult:
    rule: str
    source: str  # path:line of the rule
    kind: str  # valid | invalid | fix
    index: int
    outcome: Outcome
    detail: str = ""


def snippet_path(rule: Rule) -> str:
    info = languages.get_language(rule.language)
    return "snippet" + (info.suffixes[0] if info.suffixes else ".txt")


def check_fix(fixer: Fixer, rule: Rule, before: str, after: str) -> str | None:
    """Why the rule's fix does not turn `before` into `after` idempotently, or None."""
    path = snippet_path(rule)
    result = fixer.fix_text(path, before, only=rule)
    if result.unsafe and not result.changed:
        return f"fix refused: {result.unsafe[0].reason}"
    if result.after != after:
        return f"expected {after!r}, got {result.after!r}"
    again = fixer.fix_text(path, after, only=rule)
    if again.changed:
        return f"not idempotent: a second run gives {again.after!r}"
    if not result.converged:
        return "did not reach a fixpoint"
    return None


def _match_case(scanner: Scanner, rule: Rule, kind: str, index: int, code: str) -> CaseResult:
    """An `invalid` case must produce an incident of the rule; a `valid` one none."""
    scan = scanner.scan_bytes(snippet_path(rule), code.encode("utf-8"), only=rule)
    count = sum(1 for incident in scan.incidents if incident.rule == rule.id)
    if kind == "invalid":
        ok, detail = count > 0, f"no match in {code!r}"
    else:
        ok, detail = count == 0, f"{count} unexpected match(es) in {code!r}"
    return CaseResult(
        rule.id, rule.source, kind, index, "passed" if ok else "failed", "" if ok else detail
    )


def run_rule_tests(ruleset: RuleSet) -> list[CaseResult]:
    scanner = Scanner(ruleset)
    fixer = Fixer(scanner)
    results: list[CaseResult] = []
    for rule in ruleset.rules:
        tests = rule.spec.tests
        for kind, cases in (("invalid", tests.invalid), ("valid", tests.valid)):
            results += [_match_case(scanner, rule, kind, i, code) for i, code in enumerate(cases)]
        for index, case in enumerate(tests.fixes):
            reason = check_fix(fixer, rule, case.before, case.after)
            results.append(
                CaseResult(
                    rule.id,
                    rule.source,
                    "fix",
                    index,
                    "failed" if reason else "passed",
                    reason or "",
                )
            )
    return results
