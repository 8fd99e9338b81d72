"""The MCP workspace in-process: path confinement, cursors, rule selection."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.errors import UsageError
from migrator.mcp.paths import RootGuard
from migrator.mcp.workspace import KEPT_SCANS, Settings, Workspace
from tests.conftest import DEMO_PACK


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "outside.py").write_text("d.has_key(k)\n")
    tree = tmp_path / "repo"
    (tree / "pkg").mkdir(parents=True)
    (tree / "pkg" / "a.py").write_text("d.has_key(k)\nx.iteritems()\n")
    (tree / "pkg" / "inner.py").symlink_to(tree / "pkg" / "a.py")
    (tree / "out.py").symlink_to(tmp_path / "outside.py")
    return tree


@pytest.mark.parametrize(
    ("value", "expected"),
    [(".", "."), ("pkg", "pkg"), ("pkg/../pkg/a.py", "pkg/a.py"), ("pkg/inner.py", "pkg/inner.py")],
)
def test_paths_inside_the_root(root: Path, value: str, expected: str) -> None:
    guard = RootGuard(root)
    assert guard.relative(value) == expected
    assert guard.relative(str(root / value)) == expected


@pytest.mark.parametrize("value", ["..", "../outside.py", "out.py", "pkg/../../outside.py", "/"])
def test_paths_leaving_the_root(root: Path, value: str) -> None:
    with pytest.raises(UsageError, match="is outside the repository root"):
        RootGuard(root).relative(value)


def test_the_root_spelled_through_a_link(root: Path, tmp_path: Path) -> None:
    (tmp_path / "alias").symlink_to(root)
    guard = RootGuard(tmp_path / "alias")
    assert guard.root == root.resolve()
    assert guard.relative(str(tmp_path / "alias" / "pkg" / "a.py")) == "pkg/a.py"


def test_missing_and_odd_paths(root: Path) -> None:
    guard = RootGuard(root)
    with pytest.raises(UsageError, match=r"^no such file or directory: nope$"):
        guard.relative("nope")
    assert guard.relative("nope", must_exist=False) == "nope"
    with pytest.raises(UsageError, match="NUL"):
        guard.relative("a\0b")
    with pytest.raises(UsageError, match="not a directory"):
        RootGuard(root / "pkg" / "a.py")


def test_cursors_expire_and_files_must_be_files(root: Path) -> None:
    workspace = Workspace(Settings(root=root, rules=(str(DEMO_PACK),)))
    arguments = {"path": ".", "files": None, "packs": None, "severity": None}
    first = workspace.scan(**arguments, limit=1, cursor=None)
    assert first.total == 4 and first.next_cursor is not None  # a.py and its link inner.py
    assert [e.path for e in first.summary.errors] == ["out.py"]  # a link out: not read
    assert first.summary.packs == ["demo"]
    for _ in range(KEPT_SCANS):
        workspace.scan(**arguments, limit=1, cursor=None)
    with pytest.raises(UsageError, match="cursor has expired"):
        workspace.scan(**arguments, limit=1, cursor=first.next_cursor)
    with pytest.raises(UsageError, match=r"^not a file: pkg$"):
        workspace.scan(**{**arguments, "files": ["pkg"]}, limit=1, cursor=None)


def test_packs_by_name_path_or_server(root: Path) -> None:
    workspace = Workspace(Settings(root=root, rules=(str(DEMO_PACK),)))
    assert workspace.selectors(None) == (str(DEMO_PACK),)
    assert workspace.selectors(["demo", "python2-to-3"]) == (str(DEMO_PACK), "python2-to-3")
    assert workspace.selectors(["pkg"]) == (str(root.resolve() / "pkg"),)
    with pytest.raises(UsageError, match="outside the repository root"):
        workspace.selectors([str(DEMO_PACK)])  # a folder outside the root, by path
