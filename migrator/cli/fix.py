"""`migrator fix`: propose a validated fix for every open incident (rules first, then a local
model) and store the proposals for review and batch apply. Changes no source file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from types import TracebackType
from typing import Any

from migrator.cli.model_options import add_model_options, connector, model_config
from migrator.cli.output import ProgressBar
from migrator.cli.scan import add_rules_option
from migrator.errors import ExitCode, GitError, UsageError
from migrator.services.fix import FixOptions, FixRun, FixSummary
from migrator.services.fix_model import ModelSetup
from migrator.services.scan import rules_for_tree
from migrator.services.validate import Verify
from migrator.store import state_dir
from migrator.store.proposals import STATE_DB, ProposalStore
from migrator.vcs.repository import Repository

SHOWN_FAILURES = 10


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "fix",
        help="propose validated fixes (rules and a local model); changes no file",
        description=__doc__,
    )
    parser.add_argument("path", nargs="?", default=".", help="file or folder (default: .)")
    add_rules_option(parser)
    add_model_options(
        parser,
        title="model (settings also from env and migrator.toml)",
        attempts="answers per region (retries)",
        jobs=True,
    )
    parser.add_argument(
        "--verify", metavar="CMD", help="also require CMD to pass in a scratch git worktree"
    )
    parser.add_argument("--scan-jobs", type=int, metavar="N", help="worker processes for the scan")
    parser.set_defaults(run=run)


class _Phases:
    """One progress bar per phase (scan, rules, model) on a terminal; nothing otherwise."""

    LABELS = {"scan": "scanning", "rules": "rule fixes", "model": "model"}

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.phase = ""
        self.bar: ProgressBar | None = None

    def update(self, phase: str, done: int, total: int) -> None:
        if phase != self.phase:
            self.close()
            self.phase = phase
            self.bar = ProgressBar(self.LABELS.get(phase, phase), enabled=self.enabled)
            self.bar.__enter__()
        if self.bar is not None:
            self.bar.update(done, total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None

    def __enter__(self) -> _Phases:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _model(args: argparse.Namespace, root: Path) -> ModelSetup:
    config = model_config(args, root)
    return connector(config, root, use_cache=config.cache and not args.no_cache)()


def _verify(args: argparse.Namespace, root: Path, repo: Repository | None) -> Verify | None:
    if not args.verify:
        return None
    if repo is None:
        raise UsageError("--verify needs a git repository (it runs in a scratch worktree)")
    where = repo.relative(root if root.is_dir() else root.parent)
    return Verify(args.verify, repo.root, where)


def run(args: argparse.Namespace) -> int:
    root = Path(args.path)
    if not root.exists():
        raise UsageError(f"no such file or directory: {root}")
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("-j must be at least 1")
    ruleset = rules_for_tree(args.rules, root)
    try:
        repo = Repository.discover(root)
    except GitError:
        if args.verify:
            raise
        repo = None
    model = None
    try:
        verify = _verify(args, root, repo)
        model = None if args.no_model else _model(args, root)
        if model is not None:
            print(f"model {model.info.label} on {model.info.host}", file=sys.stderr)
        prefix = ""
        if repo is not None:
            where = repo.relative(root if root.is_dir() else root.parent)
            prefix = "" if where == "." else where + "/"
        options = FixOptions(root, scan_jobs=args.scan_jobs, verify=verify, repo_prefix=prefix)
        with ProposalStore.open(root, repo) as store, _Phases(sys.stderr.isatty()) as phases:
            summary = FixRun(ruleset, options, store, model=model, progress=phases.update).run()
    finally:
        if model is not None:
            model.provider.close()
            if model.cache is not None:
                model.cache.close()
        if repo is not None:
            repo.close()
    print(render_summary(summary, model is not None, state_dir(root) / STATE_DB))
    return ExitCode.OK


def render_summary(summary: FixSummary, with_model: bool, db: Path) -> str:
    """The table by rule, the first failures and where the proposals are."""
    header = ("rule", "incidents", "proposed", "validated", "failed", "skipped")
    rows: list[tuple[str, ...]] = [
        (rule, *map(str, (t.incidents, t.proposed, t.validated, t.failed, t.skipped)))
        for rule, t in sorted(summary.by_rule.items())
    ]
    rows.append(("total", *(str(sum(int(row[i]) for row in rows)) for i in range(1, 6))))
    width = max(len(str(row[0])) for row in [header, *rows])
    lines = [f"{header[0]:<{width}}" + "".join(f"{h:>11}" for h in header[1:])]
    lines += [f"{row[0]:<{width}}" + "".join(f"{v:>11}" for v in row[1:]) for row in rows]
    if summary.failures:
        lines.append(f"\nNo valid proposal for {len(summary.failures)} incident(s):")
        for incident, reason in summary.failures[:SHOWN_FAILURES]:
            first = reason.splitlines()[0] if reason else "no answer"
            lines.append(f"  {incident.path}:{incident.line} {incident.rule}: {first}")
    for error in summary.errors[:SHOWN_FAILURES]:
        lines.append(f"  skipped {error.path}: {error.message}")
    lines.append(f"\n{summary.proposals} proposal(s) stored in {db}.")
    if with_model:
        lines.append(
            f"{summary.requests} model request(s), {summary.cache_hits} answer(s) from the cache."
        )
    lines.append(
        "Apply: `migrator apply --include-model` (validated model proposals too) or "
        "`migrator apply --accepted` (accepted ones only)."
    )
    return "\n".join(lines)
