"""`migrator rules list` and `migrator rules test`: the rule packs and their own tests."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from migrator.cli.scan import add_label_selector_option
from migrator.engine.rules import load_rules
from migrator.errors import ExitCode
from migrator.konveyor import testrunner
from migrator.services.rule_tests import run_konveyor_tests, run_rule_tests


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "rules", help="list rule packs and run their tests", description=__doc__
    )
    sub = parser.add_subparsers(dest="rules_command", metavar="ACTION", parser_class=type(parser))
    sub.required = True
    listing = sub.add_parser("list", help="list the rules of the selected packs")
    listing.add_argument(
        "selectors",
        nargs="*",
        metavar="PACK_OR_PATH",
        help="packs or paths (default: every shipped pack)",
    )
    listing.set_defaults(run=run_list)
    testing = sub.add_parser(
        "test",
        help="run every rule's valid, invalid and fixes cases, or Konveyor's *.test.yaml files",
    )
    testing.add_argument(
        "selectors",
        nargs="*",
        metavar="PACK_OR_PATH",
        help="packs or paths (default: every shipped pack)",
    )
    testing.add_argument("-v", "--verbose", action="store_true", help="list every case")
    add_label_selector_option(testing)
    testing.add_argument("-j", "--jobs", type=int, metavar="N", help="worker processes")
    testing.set_defaults(run=run_test)


def run_list(args: argparse.Namespace) -> int:
    ruleset = load_rules(args.selectors)
    table = Table(box=None, pad_edge=False)
    for column in ("pack", "id", "language", "severity", "fixable"):
        table.add_column(column)
    for rule in ruleset.rules:
        table.add_row(
            rule.pack,
            rule.id,
            rule.language,
            rule.spec.severity,
            "yes" if rule.spec.fix is not None else "no",
        )
    console = Console(width=200, soft_wrap=True)
    console.print(table)
    console.print(f"{len(ruleset.rules)} rules in {len(ruleset.packs)} packs")
    return ExitCode.OK


def _split(selectors: list[str]) -> tuple[list[str], list[Path]]:
    """Selectors holding Konveyor tests (`*.test.yaml`) apart from migrator's own packs."""
    native: list[str] = []
    konveyor: list[Path] = []
    for selector in selectors:
        path = Path(selector)
        if path.exists() and testrunner.find_tests([path]):
            konveyor.append(path)
        else:
            native.append(selector)
    return native, konveyor


def run_test(args: argparse.Namespace) -> int:
    native, konveyor = _split(args.selectors)
    results = run_rule_tests(load_rules(native)) if native or not konveyor else []
    if konveyor:
        results += run_konveyor_tests(konveyor, args.label_selector, jobs=args.jobs)
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    for case in results:
        counts[case.outcome] += 1
        if case.kind not in ("valid", "invalid", "fix"):  # a Konveyor case: always listed
            detail = f": {case.detail}" if case.detail else ""
            print(f"{case.outcome.upper():7} {case.rule} {case.kind} ({case.source}){detail}")
        elif case.outcome == "failed" or args.verbose:
            detail = f": {case.detail}" if case.detail else ""
            print(
                f"{case.outcome.upper():7} {case.rule} {case.kind}[{case.index}] "
                f"({case.source}){detail}"
            )
    line = f"{counts['passed']} passed, {counts['failed']} failed"
    if counts["skipped"]:
        line += f", {counts['skipped']} skipped"
    print(line)
    return ExitCode.FINDINGS if counts["failed"] else ExitCode.OK
