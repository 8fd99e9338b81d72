"""Run the test cases written inside rules: `invalid` must match, `valid` must not."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from migrator.engine import languages
from migrator.engine.fixer import Fixer
from migrator.engine.rules import Rule, RuleSet
from migrator.engine.scanner import Scanner
from migrator.errors import RuleError
from migrator.konveyor import testrunner
from migrator.konveyor.loader import load_catalogue
from migrator.konveyor.output import KonveyorOutcome
from migrator.konveyor.run import unsupported_reason
from migrator.konveyor.selector import parse_selector
from migrator.services.scan import ScanOptions, scan

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


def _example_problem(scanner: Scanner, rule: Rule, before: str, after: str) -> str | None:
    if _match_case(scanner, rule, "invalid", 0, before).outcome == "failed":
        return f"example before {before!r} is not an incident of the rule"
    if _match_case(scanner, rule, "valid", 0, after).outcome == "failed":
        return f"example after {after!r} is still an incident of the rule"
    return None


def run_rule_tests(ruleset: RuleSet) -> list[CaseResult]:
    scanner = Scanner(ruleset)
    fixer = Fixer(scanner)
    results: list[CaseResult] = []
    for rule in ruleset.rules:
        tests = rule.spec.tests
        for kind, cases in (("invalid", tests.invalid), ("valid", tests.valid)):
            results += [_match_case(scanner, rule, kind, i, code) for i, code in enumerate(cases)]
        for index, case in enumerate(tests.fixes):
            if rule.spec.fix is None:
                # Without a fix the pair is a worked example for the model: `before` must be an
                # incident and `after` must not be one.
                reason = _example_problem(scanner, rule, case.before, case.after)
            else:
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


def run_konveyor_tests(
    paths: list[Path], label_selector: str | None = None, *, jobs: int | None = 1
) -> list[CaseResult]:
    """Run Konveyor rule tests (`*.test.yaml`): each file's rules over its test data."""
    results: list[CaseResult] = []
    for path in testrunner.find_tests(paths):
        results += run_konveyor_tests_file(path, label_selector, jobs=jobs)
    return results


def run_konveyor_tests_file(
    path: Path, label_selector: str | None = None, *, jobs: int | None = 1
) -> list[CaseResult]:
    """One tests file's cases; rules with conditions the engine cannot evaluate are skipped."""
    try:
        tests = testrunner.parse_tests_file(path)
    except RuleError as exc:
        return [CaseResult("-", str(path), "-", 0, "failed", str(exc))]
    source = str(tests.path)

    def every(outcome: Outcome, detail: str) -> list[CaseResult]:
        return [
            CaseResult(c.rule, source, c.name, i, outcome, detail)
            for i, c in enumerate(tests.cases)
        ]

    if tests.data_path is None or not tests.data_path.exists():
        return every("failed", f"no test data at {tests.data_path}")
    try:
        catalogue = load_catalogue([tests.rules_path]).only(tests.rule_ids())
    except RuleError as exc:
        return every("failed", str(exc))
    rules = {rule.id: rule for rule in catalogue.rules()}
    ruleset = RuleSet([], [], catalogue, parse_selector(label_selector) if label_selector else None)
    result = scan(ruleset, ScanOptions(root=tests.data_path, jobs=jobs, use_cache=False))
    outcome = result.extras.get("konveyor")
    output = (
        outcome.rulesets[0] if isinstance(outcome, KonveyorOutcome) and outcome.rulesets else None
    )
    results = []
    for index, case in enumerate(tests.cases):
        rule = rules.get(case.rule)
        reason = unsupported_reason(rule) if rule else ""
        if rule is None or output is None:
            failures = [f"rule {case.rule} not found in {tests.rules_path}"]
        elif case.rule in output.skipped:
            results.append(
                CaseResult(case.rule, source, case.name, index, "skipped", "not selected")
            )
            continue
        elif reason:
            results.append(CaseResult(case.rule, source, case.name, index, "skipped", reason))
            continue
        else:
            failures = testrunner.verify(case, output)
        outcome_of: Outcome = "failed" if failures else "passed"
        results.append(
            CaseResult(case.rule, source, case.name, index, outcome_of, "; ".join(failures))
        )
    return results
