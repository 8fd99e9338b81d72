"""`migrator mcp --http PORT`: streamable HTTP on 127.0.0.1, reached with the SDK's client."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import anyio
import pytest
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

from migrator.cli.main import main
from tests.conftest import DEMO_PACK
from tests.gitrepo import isolated_git, make_repo  # noqa: F401

MIGRATOR = (sys.executable, "-m", "migrator", "mcp")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(port: int, server: subprocess.Popen[bytes], seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, "the server exited"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listens on port {port}")


def test_streamable_http_lists_tools_and_shuts_down(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {"m.py": "d.has_key(k)\n"})
    port = free_port()
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(
        [*MIGRATOR, str(root), "--http", str(port), "--no-model", "--rules", str(DEMO_PACK)],
        stdout=subprocess.DEVNULL,
        stderr=log,
        env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1"},
    )
    try:
        wait_for(port, server)

        async def session() -> tuple[set[str], int]:
            async with (
                streamable_http_client(f"http://127.0.0.1:{port}/mcp") as (read, write),
                ClientSession(read, write) as client,
            ):
                await client.initialize()
                tools = {tool.name for tool in (await client.list_tools()).tools}
                page = await client.call_tool("scan", {})
                assert page.structured_content is not None
                return tools, page.structured_content["total"]

        tools, total = anyio.run(session)
        assert "propose_fix" in tools and total == 1
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=30)
        log.close()
    assert code == 0, (tmp_path / "server.log").read_text()
    assert f"http://127.0.0.1:{port}/mcp" in (tmp_path / "server.log").read_text()


def test_a_taken_port_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["mcp", str(tmp_path), "--no-model", "--http", str(port)]) == 3
    assert capsys.readouterr().err.startswith(f"migrator: error: cannot listen on 127.0.0.1:{port}")
