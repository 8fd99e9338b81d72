"""Run the test cases written inside rules: `invalid` must match, `valid` must not."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from migrator.engine import languages
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


FixChecker = Callable[[Rule, str, str], str | None]  # returns a failure reason or None


def snippet_path(rule: Rule) -> str:
    info = languages.get_language(rule.language)
    return "snippet" + (info.suffixes[0] if info.suffixes else ".txt")


def run_rule_tests(ruleset: RuleSet, fix_checker: FixChecker | None = None) -> list[CaseResult]:
    scanner = Scanner(ruleset)
    results: list[CaseResult] = []
    for rule in ruleset.rules:
        path = snippet_path(rule)

        def hits(code: str, rule: Rule = rule, path: str = path) -> int:
            scan = scanner.scan_bytes(path, code.encode("utf-8"), only=rule)
            return sum(1 for incident in scan.incidents if incident.rule == rule.id)

        for index, code in enumerate(rule.spec.tests.invalid):
            count = hits(code)
            results.append(CaseResult(rule.id, rule.source, "invalid", index,
                                      "passed" if count else "failed",
                                      "" if count else f"no match in {code!r}"))
        for index, code in enumerate(rule.spec.tests.valid):
            count = hits(code)
            results.append(CaseResult(rule.id, rule.source, "valid", index,
                                      "failed" if count else "passed",
                                      f"{count} unexpected match(es) in {code!r}" if count else ""))
        for index, case in enumerate(rule.spec.tests.fixes):
            if fix_checker is None:
                results.append(CaseResult(rule.id, rule.source, "fix", index, "skipped",
                                          "fix cases need the fix engine"))
                continue
            reason = fix_checker(rule, case.before, case.after)
            results.append(CaseResult(rule.id, rule.source, "fix", index,
                                      "failed" if reason else "passed", reason or ""))
    return results
