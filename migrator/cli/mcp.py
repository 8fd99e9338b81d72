"""`migrator mcp`: serve the migration tools to coding agents over the Model Context Protocol
(stdio by default; streamable HTTP on 127.0.0.1 with --http PORT)."""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

from migrator.cli.model_options import add_model_options, connector, model_config
from migrator.cli.scan import add_rules_option
from migrator.errors import ConfigError, EnvironmentProblem, ExitCode, UsageError
from migrator.model.chat import Provider
from migrator.model.config import ModelConfig
from migrator.model.providers import create
from migrator.model.providers.fake import FakeProvider
from migrator.services.fix_model import ModelSetup

# Test-only: a JSON file holding a list of reply texts. When set, the server's model is the
# scripted fake provider shipped in the package, answering with those replies in order.
FAKE_MODEL_ENV = "MIGRATOR_MCP_FAKE_MODEL"


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "mcp", help="serve the migration tools to coding agents (MCP)", description=__doc__
    )
    parser.add_argument(
        "path", nargs="?", default=".", help="the repository root the agent works in (default: .)"
    )
    parser.add_argument(
        "--http",
        type=int,
        metavar="PORT",
        help="serve streamable HTTP on 127.0.0.1:PORT (endpoint /mcp) instead of stdio",
    )
    add_rules_option(parser)
    add_model_options(
        parser,
        title="model for propose_fix (as for `migrator fix`)",
        attempts="answers per region (retries)",
    )
    parser.add_argument(
        "--verify", metavar="CMD", help="also require CMD to pass in a scratch git worktree"
    )
    parser.add_argument("--scan-jobs", type=int, metavar="N", help="worker processes for scans")
    parser.set_defaults(run=run)


def _provider(config: ModelConfig, env: Mapping[str, str]) -> Provider:
    script = env.get(FAKE_MODEL_ENV)
    if not script:
        return create(config)
    try:
        replies = json.loads(Path(script).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{FAKE_MODEL_ENV}: cannot read {script}: {exc}") from None
    if not isinstance(replies, list) or not all(isinstance(r, str) for r in replies):
        raise ConfigError(f"{FAKE_MODEL_ENV}: {script} must hold a JSON list of strings")
    return FakeProvider(replies)


def model_factory(args: argparse.Namespace, root: Path) -> Callable[[], ModelSetup] | None:
    """Checks the model settings now; connects on the first model proposal."""
    if args.no_model:
        return None
    env = dict(os.environ)
    config = model_config(args, root, env)
    return connector(
        config,
        root,
        use_cache=config.cache and not args.no_cache,
        provider=lambda chosen: _provider(chosen, env),
    )


def _check_port(port: int) -> None:
    if not 1 <= port <= 65535:
        raise UsageError(f"--http: port {port} is not between 1 and 65535")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as exc:
            raise EnvironmentProblem(
                f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}",
                hint="choose another port",
            ) from None


def _stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


@contextmanager
def _sigterm_stops() -> Iterator[None]:
    """SIGTERM (how service managers stop a server) ends the command normally, with 0, after
    uvicorn's graceful shutdown (uvicorn raises the signal again once it is done)."""
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run(args: argparse.Namespace) -> int:
    # Imported here: the MCP SDK (and its web stack) loads only for this command.
    from migrator.mcp.server import build_server
    from migrator.mcp.workspace import Settings, Workspace

    root = Path(args.path)
    if not root.is_dir():
        raise UsageError(f"not a directory: {root}", hint="pass the repository folder")
    if args.scan_jobs is not None and args.scan_jobs < 1:
        raise UsageError("--scan-jobs must be at least 1")
    settings = Settings(
        root=root,
        rules=tuple(args.rules),
        model=model_factory(args, root),
        verify=args.verify,
        scan_jobs=args.scan_jobs,
    )
    workspace = Workspace(settings)
    try:
        app = build_server(workspace)
        if args.http is None:
            app.run()
        else:
            _check_port(args.http)
            print(f"migrator mcp: http://127.0.0.1:{args.http}/mcp", file=sys.stderr, flush=True)
            with _sigterm_stops():
                app.run("streamable-http", host="127.0.0.1", port=args.http)
    finally:
        workspace.close()
    return ExitCode.OK
