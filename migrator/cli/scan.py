"""`migrator scan`: what must change, where, how much effort, and what the tool can fix."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from migrator.cli.output import ProgressBar, parse_size, write_output
from migrator.engine.results import SEVERITY_RANK, ScanResult
from migrator.engine.rules import load_rules
from migrator.errors import ExitCode, GitError, UsageError
from migrator.report import FORMATS, get_format
from migrator.services import baseline
from migrator.services.scan import ScanOptions, scan
from migrator.vcs.repository import Repository

FAIL_ON = ("error", "warning", "info", "never")


@dataclass(frozen=True)
class Output:
    format: str
    path: str | None  # None: standard output


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("scan", help="list every incident in a tree", description=__doc__)
    add_scan_options(parser)
    parser.add_argument(
        "--format",
        "-f",
        action="append",
        default=[],
        metavar="FMT[:FILE]",
        help=f"output format, one of {', '.join(sorted(FORMATS))} (default "
        "text); FMT:FILE writes to FILE; repeatable",
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE")
    parser.add_argument(
        "--fail-on",
        default="error",
        choices=FAIL_ON,
        help="exit 1 when an incident has this severity or worse (default: error)",
    )
    parser.add_argument(
        "--baseline",
        metavar="FILE",
        help="report and fail only on incidents not recorded in FILE (see `migrator baseline`)",
    )
    parser.set_defaults(run=run)


def add_scan_options(parser: argparse.ArgumentParser) -> None:
    """Options every command that scans shares (scan, baseline)."""
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="a folder or file (default: .); several files are scanned from the "
        "current folder, as pre-commit passes them",
    )
    add_rules_option(parser)
    add_label_selector_option(parser)
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
    parser.add_argument(
        "--changed-since",
        metavar="REF",
        help="scan only files changed since the merge base with git REF",
    )


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


def add_label_selector_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--label-selector",
        "-l",
        metavar="EXPR",
        help="run only the Konveyor rules whose labels match EXPR, in Konveyor's syntax "
        "(e.g. 'konveyor.io/target=quarkus && !konveyor.io/source=eap6')",
    )


def parse_outputs(formats: list[str], output: str | None) -> list[Output]:
    outputs = []
    for item in formats or ["text"]:
        name, _, path = item.partition(":")
        if name not in FORMATS:
            get_format(name)  # raises the one-line error naming the valid formats
        outputs.append(Output(name, path or None))
    to_stdout = [o for o in outputs if o.path is None]
    if output is not None:
        if len(to_stdout) != 1:
            raise UsageError("-o needs exactly one --format without a :FILE")
        outputs = [Output(o.format, output) if o.path is None else o for o in outputs]
    elif len(to_stdout) > 1:
        raise UsageError("only one format can go to standard output; give the others a :FILE")
    return outputs


def exit_code_for(worst: int, fail_on: str) -> ExitCode:
    if fail_on == "never" or worst == 0:
        return ExitCode.OK
    return ExitCode.FINDINGS if worst >= SEVERITY_RANK[fail_on] else ExitCode.OK


def _repository(root: Path) -> Repository | None:
    try:
        return Repository.discover(root)
    except GitError:
        return None  # scanning never needs git


def _root_and_files(paths: list[str]) -> tuple[Path, frozenset[str] | None]:
    """One path is the root; several are files scanned from the current folder."""
    for path in paths:
        if not Path(path).exists():
            raise UsageError(f"no such file or directory: {path}")
    if len(paths) <= 1:
        return Path(paths[0] if paths else "."), None
    cwd = Path.cwd().resolve()
    files = set()
    for path in paths:
        absolute = Path(path).resolve()
        if not absolute.is_relative_to(cwd) or absolute.is_dir():
            raise UsageError(
                f"with several paths, each must be a file under the current folder: {path}"
            )
        files.add(absolute.relative_to(cwd).as_posix())
    return Path("."), frozenset(files)


def run_scan(args: argparse.Namespace) -> ScanResult:
    """Load the rules and scan as the shared options say (also used by `migrator baseline`)."""
    root, only = _root_and_files(args.paths)
    ruleset = load_rules(args.rules, args.label_selector)
    prefix = ""
    repo = _repository(root)
    if repo is not None:
        with repo:
            location = repo.relative(root if root.is_dir() else root.parent)
            prefix = "" if location == "." else location + "/"
            if args.changed_since:
                changed = repo.changed_since(args.changed_since)
                since = {p[len(prefix) :] for p in changed if p.startswith(prefix)}
                if root.is_file():
                    since &= {root.name}
                only = frozenset(since if only is None else since & only)
    elif args.changed_since:
        raise UsageError("--changed-since needs a git repository")
    options = ScanOptions(
        root=root,
        jobs=args.jobs,
        use_cache=not args.no_cache,
        max_file_size=args.max_file_size,
        ignores=tuple(args.ignore),
        only=only,
        present_packs_only=not args.rules,
    )
    with ProgressBar("scanning", enabled=sys.stderr.isatty()) as progress:
        result = scan(ruleset, options, progress=progress.update)
    return replace(result, path_prefix=prefix)


def run(args: argparse.Namespace) -> int:
    outputs = parse_outputs(args.format, args.output)
    result = run_scan(args)
    if args.baseline:
        result = baseline.compare(result, baseline.load(Path(args.baseline)), args.baseline)
    for output in outputs:
        write_output(get_format(output.format).render(result), output.path)
    return exit_code_for(result.worst_severity_rank(), args.fail_on)
