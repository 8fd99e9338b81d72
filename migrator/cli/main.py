"""`migrator` entry point: builds the argument parser and maps every error to an exit code.

This is the only place that turns exceptions into exit codes: a `MigratorError` prints one line
(and its hint); anything else is a bug, logged with its traceback to a file whose path is printed.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from migrator import __version__
from migrator.cli import apply as apply_command
from migrator.cli import baseline as baseline_command
from migrator.cli import fix as fix_command
from migrator.cli import mcp as mcp_command
from migrator.cli import report as report_command
from migrator.cli import review as review_command
from migrator.cli import rules as rules_command
from migrator.cli import scan as scan_command
from migrator.errors import ExitCode, MigratorError, UsageError

COMMANDS = (
    scan_command,
    baseline_command,
    fix_command,
    apply_command,
    review_command,
    rules_command,
    report_command,
    mcp_command,
)

EPILOG = "exit codes:\n" + "\n".join(
    f"  {code.value:<4} {text}"
    for code, text in (
        (ExitCode.OK, "success: no finding at or above --fail-on"),
        (ExitCode.FINDINGS, "findings at or above --fail-on (or failing rule tests)"),
        (ExitCode.USAGE, "usage or configuration error (bad flag, invalid rule or query)"),
        (ExitCode.ENVIRONMENT, "environment error (git missing, model server down)"),
        (ExitCode.INTERNAL, "internal error: a bug; the traceback is written to a log file"),
        (ExitCode.INTERRUPTED, "interrupted"),
    )
)


class _Parser(argparse.ArgumentParser):
    """Raise instead of exiting, so that `main()` stays the one place that picks exit codes."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}", hint=f"run `{self.prog} --help`")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="migrator",
        description="Find what must change to migrate a code base, and fix it safely.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"migrator {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True
    for command in COMMANDS:
        command.add_parser(commands)
    return parser


def _crash_log(exc: BaseException) -> Path:
    folder = Path(os.environ.get("MIGRATOR_LOG_DIR") or tempfile.gettempdir())
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = folder / f"migrator-crash-{stamp}-{os.getpid()}.log"
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    path.write_text(f"migrator {__version__}\nargv: {sys.argv}\n\n{text}", encoding="utf-8")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """Run migrator with `argv` (default: sys.argv[1:]) and return the exit code."""
    try:
        args = build_parser().parse_args(argv)
        return int(args.run(args))
    except MigratorError as exc:
        print(f"migrator: error: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(f"hint: {exc.hint}", file=sys.stderr)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        print("migrator: interrupted", file=sys.stderr)
        return int(ExitCode.INTERRUPTED)
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else 0
    except Exception as exc:
        try:
            where = f"; details in {_crash_log(exc)}"
        except OSError:
            where = ""
        print(f"migrator: internal error ({type(exc).__name__}: {exc}){where}", file=sys.stderr)
        return int(ExitCode.INTERNAL)


def console_main() -> None:
    sys.exit(main())
