"""Konveyor rule tests (`*.test.yaml`, kantra's format): find them, and check an outcome.

A tests file names its rules file (`rulesPath`, else the same name without `.test`), the test data
of each provider (`providers[].dataPath`, also from a `testing-config.yaml` beside it; the first
provider's data is the one analysed, as kantra does) and, per rule, test cases that expect
incidents (`exactly` / `atLeast` / `atMost`, filtered by `messageMatches` / `codeSnipMatches`,
or `locations`), tags (`hasTags`) or no match (`isUnmatched`). Only the rules a file tests are
loaded, as kantra does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from migrator.errors import RuleError
from migrator.konveyor.output import RulesetOutput, Violation
from migrator.konveyor.patterns import go_regex_source

CONFIG_FILE = "testing-config.yaml"
SUFFIXES = (".test.yaml", ".test.yml")


@dataclass(frozen=True)
class TestCase:
    rule: str
    name: str
    spec: dict[str, Any]


@dataclass(frozen=True)
class TestsFile:
    path: Path
    rules_path: Path
    data_path: Path | None
    cases: tuple[TestCase, ...] = field(default=())

    def rule_ids(self) -> list[str]:
        return list(dict.fromkeys(case.rule for case in self.cases))


def find_tests(paths: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_file():
            found += [path] if path.name.endswith(SUFFIXES) else []
        else:
            found += sorted(
                p for p in path.rglob("*.test.y*ml") if p.name.endswith(SUFFIXES) and p.is_file()
            )
    return list(dict.fromkeys(found))


def _load(path: Path) -> Any:
    try:
        return yaml.load(
            path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        )
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise RuleError(
            f"cannot read tests file: {str(exc).splitlines()[0]}", path=str(path)
        ) from None


def _providers(path: Path, data: dict[str, Any]) -> list[dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    config = path.parent / CONFIG_FILE
    if config.is_file():
        loaded = _load(config)
        for item in (loaded or {}).get("providers") or []:
            merged[str(item.get("name"))] = dict(item)
    for item in data.get("providers") or []:
        merged[str(item.get("name"))] = dict(item)
    return [merged[name] for name in sorted(merged)]


def parse_tests_file(path: Path) -> TestsFile:
    data = _load(path)
    if data is None:  # an empty (e.g. commented-out) tests file has no cases
        data = {}
    if not isinstance(data, dict):
        raise RuleError("a tests file must hold a mapping", path=str(path), line=1)
    rules = data.get("rulesPath")
    stem = path.name
    for suffix in SUFFIXES:
        stem = stem.removesuffix(suffix)
    rules_path = path.parent / rules if rules else path.with_name(stem + ".yaml")
    providers = _providers(path, data)
    data_path = (
        path.parent / str(providers[0]["dataPath"])
        if providers and providers[0].get("dataPath")
        else None
    )
    cases = [
        TestCase(str(test.get("ruleID")), str(case.get("name", "")), dict(case))
        for test in data.get("tests") or []
        for case in test.get("testCases") or []
    ]
    return TestsFile(
        path, rules_path.resolve(), data_path.resolve() if data_path else None, tuple(cases)
    )


def _like(text: str, pattern: str) -> bool:
    """kantra's comparison: a regex search or a plain substring. A pattern that is not a valid
    regex matches anything there, and so it does here, or its tests could never agree."""
    try:
        return re.search(go_regex_source(pattern), text) is not None or pattern in text
    except re.error:
        return True


def _counted(expect: dict[str, Any], violation: Violation | None) -> list[str]:
    incidents = list(violation.incidents) if violation else []
    message, snip = expect.get("messageMatches"), expect.get("codeSnipMatches")
    selected = len(incidents)
    label = ""
    if message is not None:
        selected = sum(1 for i in incidents if _like(i.message, str(message)))
        label = " with matching message"
    elif snip is not None:
        selected = sum(1 for i in incidents if _like(i.code_snip, str(snip)))
        label = " with matching code snip"
    total = f", got {selected}" + (f" out of {len(incidents)} total" if label else "")
    checks: tuple[tuple[str, Callable[[int], bool], str], ...] = (
        ("exactly", lambda n: selected == n, "exactly"),
        ("atLeast", lambda n: selected >= n, "at least"),
        ("atMost", lambda n: selected <= n, "at most"),
    )
    for key, ok, words in checks:
        if expect.get(key) is not None and not ok(int(expect[key])):
            return [f"expected {words} {expect[key]} incidents{label}{total}"]
    return []


def _located(expect: dict[str, Any], violation: Violation | None) -> list[str]:
    failures = []
    incidents = list(violation.incidents) if violation else []
    for location in expect.get("locations") or []:
        uri = str(location.get("fileURI", "")).removeprefix("file://")
        in_file = [i for i in incidents if i.uri.endswith(uri)]
        line = location.get("lineNumber")
        found = next((i for i in in_file if i.line == line), None)
        if found is None:
            failures.append(f"expected incident in {uri} on line {line} not found")
            continue
        for key, value in (("messageMatches", found.message), ("codeSnipMatches", found.code_snip)):
            if location.get(key) is not None and not _like(value, str(location[key])):
                failures.append(f"expected {key} `{location[key]}` at {uri}:{line}")
    return failures


def verify(case: TestCase, output: RulesetOutput) -> list[str]:
    """Why `case` fails against a rule set's output ([] when it passes)."""
    violation = output.violations.get(case.rule) or output.insights.get(case.rule)
    unmatched = case.rule in output.unmatched
    if case.spec.get("isUnmatched"):
        return [] if unmatched and violation is None else ["expected rule to not match but matched"]
    if unmatched:
        return ["expected rule to match but unmatched"]
    failures = [
        f"expected tag {tag} not found"
        for tag in case.spec.get("hasTags") or []
        if not any(found == tag or _like(found, str(tag)) for found in output.tags)
    ]
    expect = case.spec.get("hasIncidents")
    if isinstance(expect, dict):
        failures += (
            _located(expect, violation) if "locations" in expect else _counted(expect, violation)
        )
    return failures
