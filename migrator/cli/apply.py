"""`migrator apply`: apply every deterministic fix, as reviewable commits on a branch."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from migrator.cli.output import write_output
from migrator.cli.scan import add_rules_option
from migrator.engine.rules import RuleSet, load_rules
from migrator.errors import ExitCode, UsageError
from migrator.services.apply import Applier, Plan, plan_fixes
from migrator.services.scan import present_languages
from migrator.vcs.repository import Repository


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "apply", help="apply deterministic fixes (git commits on a branch)", description=__doc__
    )
    parser.add_argument("path", nargs="?", default=".", help="file or folder (default: .)")
    add_rules_option(parser)
    parser.add_argument("--yes", "-y", action="store_true", help="apply without asking")
    parser.add_argument(
        "--dry-run", action="store_true", help="write nothing; print the unified diff"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; print the diff and exit 1 when fixes are pending",
    )
    parser.add_argument(
        "--patch", metavar="FILE", help="write nothing; save the diff to FILE (for `git apply`)"
    )
    parser.add_argument(
        "--branch", metavar="NAME", help="branch to commit on (default: migrator/<pack>)"
    )
    parser.add_argument("--no-branch", action="store_true", help="commit on the current branch")
    parser.add_argument(
        "--commit-per",
        choices=("rule", "file", "all"),
        default="rule",
        help="one commit per rule (default), per file, or one in all",
    )
    parser.add_argument(
        "--allow-dirty",
        action="store_true",
        help="go on when files to fix have uncommitted changes (they are skipped)",
    )
    parser.add_argument("-j", "--jobs", type=int, metavar="N", help="worker processes for the scan")
    parser.set_defaults(run=run)


def default_branch(ruleset: RuleSet, plan: Plan) -> str:
    packs = {r.id: r.pack for r in ruleset.rules}
    used = sorted({packs[rule] for rule in plan.rules() if rule in packs})
    return "migrator/" + ("+".join(used) if used else "fixes")


def describe(plan: Plan) -> str:
    rules = plan.rules()
    lines = [
        f"{len(plan.changes)} file(s), {sum(rules.values())} fix(es) from {len(rules)} rule(s):"
    ]
    lines += [f"  {rule}: {count}" for rule, count in rules.items()]
    for path, why in plan.skipped:
        lines.append(f"  skipped {path}: {why}")
    if plan.unsafe:
        lines.append(f"  {len(plan.unsafe)} incident(s) left for a model (fix not safe here):")
        lines += [f"    {path}:{u.line} {u.rule}: {u.reason}" for path, u in plan.unsafe[:20]]
    return "\n".join(lines)


def _confirm(question: str) -> bool:
    if not sys.stdin.isatty():
        raise UsageError(
            "nothing applied: pass --yes to apply without a question",
            hint="preview first with --dry-run",
        )
    print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)
    return sys.stdin.readline().strip().lower() in {"y", "yes"}


def run(args: argparse.Namespace) -> int:
    root = Path(args.path)
    if not root.exists():
        raise UsageError(f"no such file or directory: {root}")
    ruleset = load_rules(args.rules)
    if not args.rules:
        ruleset = ruleset.restricted_to(present_languages(root))
    plan = plan_fixes(ruleset, root, jobs=args.jobs)
    repo = Repository.discover(root)
    try:
        return _apply(args, ruleset, plan, repo)
    finally:
        if repo is not None:
            repo.close()


def _apply(args: argparse.Namespace, ruleset: RuleSet, plan: Plan, repo: Repository | None) -> int:
    def label(change: Any) -> str:
        return repo.relative(change.abspath) if repo else str(change.path)

    if args.dry_run or args.check or args.patch:
        diff = plan.diff(label)
        write_output(diff, args.patch) if args.patch else sys.stdout.write(diff)
        print(describe(plan), file=sys.stderr)
        return ExitCode.FINDINGS if args.check and plan.changes else ExitCode.OK
    if not plan.changes:
        print("Nothing to fix.")
        if plan.unsafe or plan.skipped:
            print(describe(plan))
        return ExitCode.OK
    print(describe(plan))
    branch = (
        None if args.no_branch or repo is None else args.branch or default_branch(ruleset, plan)
    )
    if repo is None:
        print("Not a git repository: files are changed in place and this cannot be undone.")
        if not args.yes:
            raise UsageError(
                "in a plain directory migrator applies fixes only with --yes",
                hint="put the tree under git first, or pass --yes",
            )
    elif not args.yes and not _confirm(f"Apply on branch {branch or repo.current_branch()}?"):
        print("Nothing applied.")
        return ExitCode.OK
    applier = Applier(ruleset, root=Path(args.path), repo=repo, notify=print)
    result = applier.run(
        plan, commit_per=args.commit_per, branch=branch, allow_dirty=args.allow_dirty
    )
    print(f"Wrote {len(set(result.written))} file(s) in {len(result.commits)} commit(s).")
    if repo is not None and result.branch:
        print(
            f"Review with `git log -p {result.branch}`; undo with "
            f"`git switch - && git branch -D {result.branch}`."
        )
    return ExitCode.OK
