"""Driving `migrator mcp` with the SDK's own stdio client, from synchronous tests."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import anyio
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp_types import CallToolResult, TextContent

from tests.conftest import DEMO_PACK

T = TypeVar("T")
Scenario = Callable[[ClientSession], Awaitable[T]]


def drive(
    root: Path,
    scenario: Scenario[T],
    *args: str,
    env: dict[str, str] | None = None,
    log: Path | None = None,
) -> T:
    """Start `migrator mcp root *args` (the demo pack, no model unless args say otherwise), run
    `scenario` on an initialised session, and shut the server down."""
    if not any(a.startswith(("--rules", "-r")) for a in args):
        args = ("--rules", str(DEMO_PACK), *args)
    if not any(a in ("--model", "--no-model") for a in args) and not (env or {}).get(
        "MIGRATOR_MCP_FAKE_MODEL"
    ):
        args = ("--no-model", *args)
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "migrator", "mcp", str(root), *args],
        env={"GIT_CONFIG_NOSYSTEM": "1", "HOME": os.environ["HOME"], **(env or {})},
    )
    errors = log or root.parent / "mcp-server.log"

    async def main() -> T:
        with errors.open("w") as errlog:
            async with (
                stdio_client(params, errlog=errlog) as (read, write),
                ClientSession(read, write) as session,
            ):
                await session.initialize()
                return await scenario(session)

    try:
        return anyio.run(main)
    except BaseException as exc:
        raise _leaf(exc) from None


def _leaf(exc: BaseException) -> BaseException:
    """The one exception inside the task groups' exception groups (a failed assert, say)."""
    inner = getattr(exc, "exceptions", None)  # BaseExceptionGroup, also on Python 3.10
    while isinstance(inner, tuple) and len(inner) == 1:
        exc = inner[0]
        inner = getattr(exc, "exceptions", None)
    return exc


def fake_model(folder: Path, replies: list[str]) -> dict[str, str]:
    """The environment that makes the server's model the scripted fake with `replies`."""
    script = folder / "fake-model.json"
    script.write_text(json.dumps(replies))
    return {"MIGRATOR_MCP_FAKE_MODEL": str(script)}


def text(result: CallToolResult) -> str:
    return "\n".join(part.text for part in result.content if isinstance(part, TextContent))


def ok(result: CallToolResult) -> dict[str, Any]:
    """The structured result of a call that must have succeeded."""
    assert not result.is_error, text(result)
    assert result.structured_content is not None
    return result.structured_content


def error(result: CallToolResult) -> str:
    """The message of a call that must have failed as a tool error."""
    assert result.is_error, result.structured_content
    return text(result)
