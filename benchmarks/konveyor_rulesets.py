"""How many of Konveyor's own rule tests migrator passes, and how fast, per rule set.

Point it at a checkout of Konveyor's `rulesets` repository (never copied into this one):

    python benchmarks/konveyor_rulesets.py ~/src/konveyor-rulesets            # table + analysis
    python benchmarks/konveyor_rulesets.py CHECKOUT --json results.json -j 2
    python benchmarks/konveyor_rulesets.py CHECKOUT --failures 40              # list failures

For every `*.test.yaml` it runs `migrator rules test`'s own code (the rules the file tests, over
its test data, exactly as `migrator rules test` does) and prints, per rule set (a folder with a
`tests/` folder):

  cases       test cases in the rule set
  supported   cases whose rule uses only conditions the engine evaluates (the others are skipped)
  passed      of the supported cases, how many pass, and the share
  scan s      wall time to load the rules and scan the test data of every tests file of the set

then the totals, the failures by condition (what the failing rules use) and by reason, and why
cases were skipped. Tests files run in a process pool (-j, default: every core); times are each
file's own, measured inside its worker.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

from migrator.konveyor import testrunner
from migrator.konveyor.conditions import java_location
from migrator.konveyor.loader import load_catalogue
from migrator.konveyor.model import Rule
from migrator.services.rule_tests import run_konveyor_tests_file


@dataclass
class FileResult:
    path: str
    ruleset: str
    seconds: float
    cases: list[dict[str, str]] = field(default_factory=list)


def _conditions(rule: Rule) -> list[str]:
    names = []
    for leaf in rule.leaves():
        name = leaf.name or "?"
        if leaf.name == "java.referenced":
            name += ":" + java_location(leaf.params)
        names.append(name)
    return sorted(set(names))


def _rule_conditions(path: Path) -> dict[str, list[str]]:
    try:
        tests = testrunner.parse_tests_file(path)
        catalogue = load_catalogue([tests.rules_path])
    except Exception:
        return {}
    return {rule.id: _conditions(rule) for rule in catalogue.rules()}


def _ruleset_of(path: Path, checkout: Path) -> str:
    parts = path.relative_to(checkout).parts
    cut = parts.index("tests") if "tests" in parts else len(parts) - 1
    return "/".join(parts[:cut])


def run_one(job: tuple[str, str]) -> FileResult:
    path, checkout = Path(job[0]), Path(job[1])
    start = time.perf_counter()
    results = run_konveyor_tests_file(path)
    seconds = time.perf_counter() - start
    conditions = _rule_conditions(path)
    cases = [
        {
            "rule": r.rule,
            "case": r.kind,
            "outcome": r.outcome,
            "detail": r.detail,
            "conditions": ",".join(conditions.get(r.rule, [])),
        }
        for r in results
    ]
    return FileResult(str(path), _ruleset_of(path, checkout), seconds, cases)


def _reason(detail: str) -> str:
    """A failure message with its numbers and names taken out, to group by."""
    text = re.sub(r"\d+", "N", detail.split(";")[0])
    return re.sub(r"(rule|tag|in) \S+", r"\1 X", text)[:90]


def summarise(results: list[FileResult]) -> str:
    by_set: dict[str, list[FileResult]] = defaultdict(list)
    for result in results:
        by_set[result.ruleset].append(result)
    lines = [
        "| rule set | cases | supported | passed | pass rate | scan s |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    totals = Counter()
    for name in sorted(by_set):
        cases = [c for r in by_set[name] for c in r.cases]
        count = Counter(c["outcome"] for c in cases)
        supported = count["passed"] + count["failed"]
        seconds = sum(r.seconds for r in by_set[name])
        rate = f"{100 * count['passed'] / supported:.1f}%" if supported else "-"
        lines.append(
            f"| {name} | {len(cases)} | {supported} | {count['passed']} | {rate} | {seconds:.2f} |"
        )
        totals.update(count)
        totals["cases"] += len(cases)
        totals["seconds_x100"] += round(seconds * 100)
    supported = totals["passed"] + totals["failed"]
    rate = f"{100 * totals['passed'] / supported:.1f}%" if supported else "-"
    lines.append(
        f"| **total** | {totals['cases']} | {supported} | {totals['passed']} | **{rate}** | "
        f"{totals['seconds_x100'] / 100:.1f} |"
    )
    return "\n".join(lines)


def analysis(results: list[FileResult]) -> str:
    cases = [c for r in results for c in r.cases]
    failed = [c for c in cases if c["outcome"] == "failed"]
    skipped = [c for c in cases if c["outcome"] == "skipped"]
    by_condition: Counter[str] = Counter()
    for case in failed:
        for condition in case["conditions"].split(",") or ["?"]:
            by_condition[condition] += 1
    out = ["Failed cases by condition used (a case counts once per condition of its rule):"]
    out += [f"  {n:4}  {name}" for name, n in by_condition.most_common()]
    out.append("Failed cases by reason:")
    out += [
        f"  {n:4}  {name}"
        for name, n in Counter(_reason(c["detail"]) for c in failed).most_common(15)
    ]
    out.append("Skipped cases (rule uses a condition the engine does not evaluate):")
    reasons = Counter(re.sub(r"'[^']*'", "'…'", c["detail"])[:100] for c in skipped)
    out += [f"  {n:4}  {name}" for name, n in reasons.most_common(15)]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("checkout", type=Path, help="a checkout of konveyor/rulesets")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--json", type=Path, help="also write every case's result here")
    parser.add_argument("--failures", type=int, default=0, help="list this many failing cases")
    parser.add_argument("--only", default="", help="only tests files whose path contains this")
    args = parser.parse_args(argv)
    checkout = args.checkout.resolve()
    files = [p for p in testrunner.find_tests([checkout]) if args.only in str(p)]
    jobs = [(str(p), str(checkout)) for p in files]
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
        results = pool.map(run_one, jobs, chunksize=1)
    wall = time.perf_counter() - started
    print(summarise(results))
    print(f"\n{len(files)} tests files, wall time {wall:.1f} s with {args.jobs} processes\n")
    print(analysis(results))
    if args.failures:
        failed = [(r.path, c) for r in results for c in r.cases if c["outcome"] == "failed"]
        for path, case in failed[: args.failures]:
            where = f"{case['rule']} {case['case']} [{case['conditions']}]"
            print(f"FAIL {where} {case['detail'][:160]}  ({path})")
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
