"""`migrator mcp` error paths: one-line tool errors (the CLI's messages), nothing read or written
outside the repository root, no dirty file touched."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from mcp import ClientSession

from migrator.cli.main import main
from tests.gitrepo import git, isolated_git, make_repo  # noqa: F401
from tests.mcp.client import drive, error, ok

UTIL = (
    'def lookup(d, k):\n    if d.has_key(k):\n        return sorted(d, cmp=k)\n    print "no", k\n'
)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.py").write_text("d.has_key(k)\n")
    root = make_repo(tmp_path / "repo", {"app/util.py": UTIL})
    (root / "escape").symlink_to(tmp_path / "outside")
    (root / "leak.py").symlink_to(tmp_path / "outside" / "secret.py")
    return root


def first(message: str) -> str:
    return message.splitlines()[0]


def test_unknown_pack_is_the_clis_message(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    async def scenario(session: ClientSession) -> list[str]:
        return [
            error(await session.call_tool("scan", {"packs": ["no-such-pack"]})),
            error(await session.call_tool("rules_test", {"packs": ["no-such-pack"]})),
        ]

    messages = drive(repo, scenario)
    assert main(["scan", str(repo), "--rules", "no-such-pack"]) == 2
    cli = capsys.readouterr().err.splitlines()[0].removeprefix("migrator: error: ")
    assert [first(m) for m in messages] == [cli, cli]
    assert cli.startswith("no rule pack or path 'no-such-pack' (shipped packs: ")


OUTSIDE = {
    "parent": {"path": ".."},
    "sibling": {"path": "../outside"},
    "dotdot": {"path": "app/../../outside"},
    "absolute": {"path": "/etc"},
    "linked-dir": {"path": "escape"},
    "linked-file": {"files": ["leak.py"]},
    "via-link": {"files": ["escape/secret.py"]},
    "pack": {"packs": ["../outside"]},
}


def test_paths_outside_the_root_are_refused(repo: Path) -> None:
    async def scenario(session: ClientSession) -> dict[str, str]:
        return {
            case: first(error(await session.call_tool("scan", arguments)))
            for case, arguments in OUTSIDE.items()
        }

    for case, message in drive(repo, scenario).items():
        assert f"is outside the repository root {repo.resolve()}" in message, case


def test_other_errors_are_one_line(repo: Path) -> None:
    async def scenario(session: ClientSession) -> list[str]:
        page = ok(await session.call_tool("scan", {"path": "app"}))
        print_incident = next(i for i in page["incidents"] if i["fix"] == "model")
        return [
            error(await session.call_tool("scan", {"path": "nothing-here"})),
            error(await session.call_tool("scan", {"cursor": "not a cursor"})),
            error(await session.call_tool("explain_incident", {"fingerprint": "0" * 24})),
            error(await session.call_tool("apply_fix", {"proposal_id": 99})),
            error(
                await session.call_tool(
                    "propose_fix", {"fingerprint": print_incident["fingerprint"]}
                )
            ),
            error(
                await session.call_tool(
                    "propose_fix",
                    {"fingerprint": print_incident["fingerprint"], "mode": "deterministic"},
                )
            ),
        ]

    messages = [first(m) for m in drive(repo, scenario)]
    assert messages[0] == "no such file or directory: nothing-here"
    assert messages[1] == "invalid cursor"
    assert messages[2] == f"unknown incident {'0' * 24!r}"
    assert messages[3].startswith("no proposal 99 in ")
    assert messages[4].endswith("and the server runs without a model")
    assert messages[5] == "rule demo-print-outside-main has no deterministic fix"


def test_a_dirty_file_is_never_touched(repo: Path) -> None:
    (repo / "app/util.py").write_text(UTIL + "# mine, not committed\n")

    async def scenario(session: ClientSession) -> list[str]:
        page = ok(await session.call_tool("scan", {"path": "app"}))
        target = next(i for i in page["incidents"] if i["rule"] == "demo-has-key")
        proposal = ok(
            await session.call_tool("propose_fix", {"fingerprint": target["fingerprint"]})
        )
        number = proposal["proposal_id"]
        return [
            error(await session.call_tool("apply_fix", {"proposal_id": number, "commit": True})),
            error(await session.call_tool("apply_fix", {"proposal_id": number})),
        ]

    messages = drive(repo, scenario)
    assert [first(m) for m in messages] == [
        "1 file(s) to fix have uncommitted changes: app/util.py"
    ] * 2
    assert (repo / "app/util.py").read_text() == UTIL + "# mine, not committed\n"
    assert git(repo, "log", "--format=%s") == "initial\n"


def test_a_file_changed_since_the_proposal_is_not_patched(repo: Path) -> None:
    async def scenario(session: ClientSession) -> str:
        page = ok(await session.call_tool("scan", {"path": "app"}))
        target = next(i for i in page["incidents"] if i["rule"] == "demo-has-key")
        proposal = ok(
            await session.call_tool("propose_fix", {"fingerprint": target["fingerprint"]})
        )
        (repo / "app/util.py").write_text("# changed\n" + UTIL)
        git(repo, "commit", "-qam", "changed")
        return error(await session.call_tool("apply_fix", {"proposal_id": proposal["proposal_id"]}))

    assert first(drive(repo, scenario)) == "app/util.py changed since proposal 1 was made"


def test_a_stored_path_leaving_the_root_is_refused(repo: Path, tmp_path: Path) -> None:
    async def propose(session: ClientSession) -> int:
        page = ok(await session.call_tool("scan", {"path": "app"}))
        target = next(i for i in page["incidents"] if i["rule"] == "demo-has-key")
        proposal = ok(
            await session.call_tool("propose_fix", {"fingerprint": target["fingerprint"]})
        )
        return int(proposal["proposal_id"])

    number = drive(repo, propose)
    with sqlite3.connect(repo / ".migrator" / "state.db") as db:
        db.execute("UPDATE proposals SET path = 'leak.py' WHERE id = ?", (number,))
    db.close()

    async def apply(session: ClientSession) -> str:
        return error(await session.call_tool("apply_fix", {"proposal_id": number}))

    assert first(drive(repo, apply)).startswith("leak.py is outside the repository root")
    assert (tmp_path / "outside" / "secret.py").read_text() == "d.has_key(k)\n"
