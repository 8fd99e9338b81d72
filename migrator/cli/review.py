"""`migrator review`: walk the stored proposals in a terminal UI (accept, reject, edit, ask the
model again with a remark, undo) and commit the accepted ones as `migrator apply` would."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from migrator.cli.apply import default_branch
from migrator.cli.model_options import add_model_options, connector, model_config
from migrator.cli.scan import add_rules_option
from migrator.engine.rules import RuleSet
from migrator.errors import ExitCode, UsageError
from migrator.model.config import ModelConfig
from migrator.services.plan import Plan
from migrator.services.review import BranchChoice, ModelConnector
from migrator.services.scan import rules_for_tree
from migrator.store import state_dir
from migrator.store.proposals import STATE_DB

THEMES = {"dark": "textual-dark", "light": "textual-light"}


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "review",
        help="review stored proposals in a terminal UI and commit the accepted ones",
        description=__doc__,
    )
    parser.add_argument("path", nargs="?", default=".", help="file or folder (default: .)")
    add_rules_option(parser)
    add_model_options(
        parser,
        title="model, to regenerate (settings also from env, migrator.toml)",
        attempts="answers per regeneration",
    )
    parser.add_argument(
        "--branch", metavar="NAME", help="branch to commit on (default: migrator/<pack>)"
    )
    parser.add_argument("--no-branch", action="store_true", help="commit on the current branch")
    parser.add_argument("--theme", choices=sorted(THEMES), help="colour theme (default: dark)")
    parser.set_defaults(run=run)


def rules_loader(selectors: Sequence[str], root: Path) -> RuleSet:
    """The rules `migrator fix` would use for `root` (run on the app's worker thread)."""
    return rules_for_tree(selectors, root)


def model_connector(config: ModelConfig, root: Path, *, use_cache: bool) -> ModelConnector:
    """Connects to the model and checks it, when the app first needs it (worker thread)."""
    return connector(config, root, use_cache=use_cache)


def branch_choice(args: argparse.Namespace) -> BranchChoice:
    def choose(ruleset: RuleSet, plan: Plan) -> str | None:
        if args.no_branch:
            return None
        return str(args.branch) if args.branch else default_branch(ruleset, plan)

    return choose


def run(args: argparse.Namespace) -> int:
    from migrator.tui.app import make_app  # Textual loads only for this command

    root = Path(args.path)
    if not root.exists():
        raise UsageError(f"no such file or directory: {root}")
    database = state_dir(root) / STATE_DB
    if not database.is_file():
        raise UsageError(f"no stored proposals in {database}", hint="run `migrator fix` first")
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError(
            "migrator review needs a terminal",
            hint="in scripts and CI use `migrator apply --accepted` or `--include-model`",
        )
    model = None
    if not args.no_model:
        config = model_config(args, root)
        model = model_connector(config, root, use_cache=config.cache and not args.no_cache)
    app = make_app(
        root,
        rules=lambda: rules_loader(args.rules, root),
        model=model,
        branch=branch_choice(args),
        theme=THEMES.get(args.theme or ""),
        freeze_gc=True,
    )
    app.run()
    return ExitCode.OK
