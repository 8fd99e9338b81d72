"""`migrator review`: walk the stored proposals in a terminal UI (accept, reject, edit, ask the
model again with a remark, undo) and commit the accepted ones as `migrator apply` would."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from migrator.cli.apply import default_branch
from migrator.cli.scan import add_rules_option
from migrator.engine.rules import RuleSet, load_rules
from migrator.errors import ExitCode, UsageError
from migrator.model.cache import AnswerCache
from migrator.model.config import ModelConfig, load_config, require_local
from migrator.model.providers import create
from migrator.services.fix_model import ModelSetup
from migrator.services.plan import Plan
from migrator.services.review import BranchChoice, ModelConnector
from migrator.services.scan import present_languages
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
    model = parser.add_argument_group(
        "model, to regenerate (settings also from env, migrator.toml)"
    )
    model.add_argument("--model", metavar="NAME", help="model name (default qwen2.5-coder:7b)")
    model.add_argument("--provider", choices=("ollama", "openai"), help="server API")
    model.add_argument("--host", metavar="URL", help="server URL (default: OLLAMA_HOST or local)")
    model.add_argument(
        "--allow-remote", action="store_true", default=None, help="allow a host off this machine"
    )
    model.add_argument("--no-model", action="store_true", help="deterministic proposals only")
    model.add_argument("--timeout", type=float, metavar="S", help="seconds per model request")
    model.add_argument("--attempts", type=int, metavar="N", help="answers per regeneration")
    model.add_argument("--num-ctx", type=int, metavar="N", help="context size in tokens")
    model.add_argument("--no-cache", action="store_true", help="ask the model even if cached")
    parser.add_argument(
        "--branch", metavar="NAME", help="branch to commit on (default: migrator/<pack>)"
    )
    parser.add_argument("--no-branch", action="store_true", help="commit on the current branch")
    parser.add_argument("--theme", choices=sorted(THEMES), help="colour theme (default: dark)")
    parser.set_defaults(run=run)


def rules_loader(selectors: Sequence[str], root: Path) -> RuleSet:
    """The rules `migrator fix` would use for `root` (run on the app's worker thread)."""
    ruleset = load_rules(selectors)
    return ruleset if selectors else ruleset.restricted_to(present_languages(root))


def model_connector(config: ModelConfig, root: Path, *, use_cache: bool) -> ModelConnector:
    """Connects to the model and checks it, when the app first needs it (worker thread)."""

    def connect() -> ModelSetup:
        provider = create(config)
        try:
            info = provider.check()
        except BaseException:
            provider.close()
            raise
        cache = AnswerCache(state_dir(root) / "model-cache.db") if use_cache else None
        return ModelSetup(provider, info, config, cache)

    return connect


def branch_choice(args: argparse.Namespace) -> BranchChoice:
    def choose(ruleset: RuleSet, plan: Plan) -> str | None:
        if args.no_branch:
            return None
        return str(args.branch) if args.branch else default_branch(ruleset, plan)

    return choose


def _config(args: argparse.Namespace, root: Path) -> ModelConfig:
    flags = {
        "name": args.model,
        "provider": args.provider,
        "host": args.host,
        "allow_remote": args.allow_remote,
        "timeout": args.timeout,
        "attempts": args.attempts,
        "num_ctx": args.num_ctx,
    }
    config = load_config(root, flags=flags, env=os.environ)
    require_local(config)
    return config


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
        config = _config(args, root)
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
