"""`migrator baseline`: record the incidents of today, so CI fails only on new ones."""

from __future__ import annotations

import argparse
from typing import Any

from migrator.cli.output import write_output
from migrator.cli.scan import add_scan_options, run_scan
from migrator.errors import ExitCode
from migrator.services import baseline


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "baseline", help="record current incidents in a baseline file", description=__doc__
    )
    add_scan_options(parser)
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        default=".migrator-baseline.json",
        help="where to write it (default: .migrator-baseline.json)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    result = run_scan(args)
    write_output(baseline.render(result), args.output)
    print(
        f"Recorded {len(result.incidents)} incident(s) in {args.output}; commit it, then run "
        f"`migrator scan --baseline {args.output}`."
    )
    return ExitCode.OK
