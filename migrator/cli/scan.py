"""`migrator scan`: what must change, where, how much effort, and what the tool can fix."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from migrator.cli.output import ProgressBar, parse_size, write_output
from migrator.engine.results import SEVERITY_RANK
from migrator.engine.rules import load_rules
from migrator.errors import ExitCode
from migrator.report import FORMATS, get_format
from migrator.services.scan import ScanOptions, present_languages, scan

FAIL_ON = ("error", "warning", "info", "never")


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("scan", help="list every incident in a tree", description=__doc__)
    parser.add_argument("path", nargs="?", default=".", help="file or folder (default: .)")
    add_rules_option(parser)
    parser.add_argument(
        "--format",
        "-f",
        default="text",
        choices=sorted(FORMATS),
        help="output format (default: text)",
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE")
    parser.add_argument(
        "--fail-on",
        default="error",
        choices=FAIL_ON,
        help="exit 1 when an incident has this severity or worse (default: error)",
    )
    parser.add_argument("-j", "--jobs", type=int, metavar="N", help="worker processes")
    parser.add_argument("--no-cache", action="store_true", help="ignore and skip the scan cache")
    parser.add_argument(
        "--max-file-size",
        type=parse_size,
        default=2_000_000,
        metavar="SIZE",
        help="skip (and report) files larger than SIZE, e.g. 500k, 4M (default 2M)",
    )
    parser.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="GLOB",
        help="also ignore paths matching GLOB (gitignore syntax); repeatable",
    )
    parser.set_defaults(run=run)


def add_rules_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rules",
        "-r",
        action="append",
        default=[],
        metavar="PACK_OR_PATH",
        help="a shipped pack name, a pack folder, a rule file or a tree of packs; "
        "repeatable (default: shipped packs for the languages present)",
    )


def exit_code_for(worst: int, fail_on: str) -> ExitCode:
    if fail_on == "never" or worst == 0:
        return ExitCode.OK
    return ExitCode.FINDINGS if worst >= SEVERITY_RANK[fail_on] else ExitCode.OK


def run(args: argparse.Namespace) -> int:
    root = Path(args.path)
    ruleset = load_rules(args.rules)
    if not args.rules:
        ruleset = ruleset.restricted_to(present_languages(root)) if root.exists() else ruleset
    options = ScanOptions(
        root=root,
        jobs=args.jobs,
        use_cache=not args.no_cache,
        max_file_size=args.max_file_size,
        ignores=tuple(args.ignore),
    )
    with ProgressBar("scanning", enabled=sys.stderr.isatty()) as progress:
        result = scan(ruleset, options, progress=progress.update)
    write_output(get_format(args.format).render(result), args.output)
    return exit_code_for(result.worst_severity_rank(), args.fail_on)
