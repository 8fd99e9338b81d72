"""`migrator apply`: apply every deterministic fix, as reviewable commits on a branch."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from migrator.cli.output import write_output
from migrator.cli.scan import add_rules_option
from migrator.engine.rules import RuleSet
from migrator.errors import ExitCode, UsageError
from migrator.services import apply_model
from migrator.services.apply import Applier
from migrator.services.plan import Plan, plan_fixes, preview
from migrator.services.scan import rules_for_tree
from migrator.store import state_dir
from migrator.store.proposals import STATE_DB, ProposalStore
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
    parser.add_argument(
        "--accepted",
        action="store_true",
        help="apply only the proposals accepted in review (from `migrator fix`)",
    )
    parser.add_argument(
        "--include-model",
        action="store_true",
        help="also apply every validated model proposal stored by `migrator fix`",
    )
    parser.add_argument("-j", "--jobs", type=int, metavar="N", help="worker processes for the scan")
    parser.set_defaults(run=run)


def default_branch(ruleset: RuleSet, plan: Plan) -> str:
    packs = {r.id: r.pack for r in ruleset.rules}
    rules = set(plan.rules()) | {r for f in plan.model for p in f.proposals for r in p.rules}
    used = sorted({packs[rule] for rule in rules if rule in packs})
    return "migrator/" + ("+".join(used) if used else "fixes")


def describe(plan: Plan) -> str:
    rules = plan.rules()
    lines = [
        f"{len(plan.changes)} file(s), {sum(rules.values())} fix(es) from {len(rules)} rule(s):"
    ]
    lines += [f"  {rule}: {count}" for rule, count in rules.items()]
    proposals = [p for f in plan.model for p in f.proposals]
    if proposals:
        lines.append(f"{len(proposals)} model proposal(s) in {len(plan.model)} file(s):")
        lines += [f"  {p.path}:{', '.join(p.rules)} ({p.model})" for p in proposals[:20]]
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
    ruleset = rules_for_tree(args.rules, root)
    database = state_dir(root) / STATE_DB
    if (args.accepted or args.include_model) and not database.is_file():
        raise UsageError(
            f"no stored proposals in {database}", hint="run `migrator fix` first, then apply"
        )
    store = ProposalStore(database) if database.is_file() else None
    repo = None
    try:
        selection = None
        model: list[Any] = []
        if store is not None and (args.accepted or args.include_model):
            model, selection = apply_model.select(
                store, accepted=args.accepted, include_model=args.include_model
            )
        plan = plan_fixes(ruleset, root, jobs=args.jobs, selection=selection)
        plan.model, skipped = apply_model.load(root, model)
        plan.skipped += skipped
        repo = Repository.discover(root)
        return _apply(args, ruleset, plan, repo, store)
    finally:
        if repo is not None:
            repo.close()
        if store is not None:
            store.close()


def _apply(
    args: argparse.Namespace,
    ruleset: RuleSet,
    plan: Plan,
    repo: Repository | None,
    store: ProposalStore | None = None,
) -> int:
    def label(change: Any) -> str:
        return repo.relative(change.abspath) if repo else str(change.path)

    if args.dry_run or args.check or args.patch:
        changes = preview(plan, ruleset)
        diff = "".join(change.diff(label(change)) for change in changes)
        write_output(diff, args.patch) if args.patch else sys.stdout.write(diff)
        print(describe(plan), file=sys.stderr)
        return ExitCode.FINDINGS if args.check and changes else ExitCode.OK
    if not plan.changes and not plan.model:
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
    applier = Applier(ruleset, root=Path(args.path), repo=repo, notify=print, store=store)
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
