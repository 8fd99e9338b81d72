"""The model options `fix`, `review` and `mcp` share, and the connection they make from them."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Mapping
from pathlib import Path

from migrator.model.cache import AnswerCache
from migrator.model.chat import Provider
from migrator.model.config import ModelConfig, load_config, require_local
from migrator.model.providers import create
from migrator.services.fix_model import ModelSetup
from migrator.store import state_dir


def add_model_options(
    parser: argparse.ArgumentParser, *, title: str, attempts: str, jobs: bool = False
) -> None:
    model = parser.add_argument_group(title)
    model.add_argument("--model", metavar="NAME", help="model name (default qwen2.5-coder:7b)")
    model.add_argument("--provider", choices=("ollama", "openai"), help="server API")
    model.add_argument("--host", metavar="URL", help="server URL (default: OLLAMA_HOST or local)")
    model.add_argument(
        "--allow-remote", action="store_true", default=None, help="allow a host off this machine"
    )
    model.add_argument("--no-model", action="store_true", help="deterministic proposals only")
    if jobs:
        model.add_argument("-j", "--jobs", type=int, metavar="N", help="model requests in flight")
    model.add_argument("--timeout", type=float, metavar="S", help="seconds per model request")
    model.add_argument("--attempts", type=int, metavar="N", help=attempts)
    model.add_argument("--num-ctx", type=int, metavar="N", help="context size in tokens")
    model.add_argument("--no-cache", action="store_true", help="ask the model even if cached")


def model_config(
    args: argparse.Namespace, root: Path, env: Mapping[str, str] | None = None
) -> ModelConfig:
    """Flags over environment over migrator.toml / pyproject over defaults; loopback only."""
    flags = {
        "name": args.model,
        "provider": args.provider,
        "host": args.host,
        "allow_remote": args.allow_remote,
        "jobs": getattr(args, "jobs", None),
        "timeout": args.timeout,
        "attempts": args.attempts,
        "num_ctx": args.num_ctx,
    }
    config = load_config(root, flags=flags, env=os.environ if env is None else env)
    require_local(config)
    return config


def connector(
    config: ModelConfig,
    root: Path,
    *,
    use_cache: bool,
    provider: Callable[[ModelConfig], Provider] = create,
) -> Callable[[], ModelSetup]:
    """Connects to the model server and checks the model, when first called."""

    def connect() -> ModelSetup:
        chosen = provider(config)
        try:
            info = chosen.check()
        except BaseException:
            chosen.close()
            raise
        cache = AnswerCache(state_dir(root) / "model-cache.db") if use_cache else None
        return ModelSetup(chosen, info, config, cache)

    return connect
