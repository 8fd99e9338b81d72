"""`migrator apply` on real git repositories: commits, trailers, safety, encodings, resume."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from migrator.cli.main import main
from tests.conftest import DEMO_PACK
from tests.gitrepo import git, isolated_git, make_repo  # noqa: F401

PY = "def f(d, k):\n    if d.has_key(k):\n        return sorted(d, cmp=cmp)\n    return None\n"
FIXED = (
    "import functools\ndef f(d, k):\n    if k in d:\n"
    "        return sorted(d, key=functools.cmp_to_key(cmp))\n    return None\n"
)


def apply(repo: Path, *extra: str) -> int:
    return main(["apply", str(repo), "--rules", str(DEMO_PACK), "--yes", *extra])


def test_commits_per_rule_with_trailers_on_a_branch(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"pkg/m.py": PY, "pkg/n.py": "x = a.has_key(b)\n"})
    assert apply(repo) == 0
    assert git(repo, "branch", "--show-current").strip() == "migrator/demo"
    fmt = (
        "--format=%s|%(trailers:key=Migrator-Rule,valueonly,separator=%x2C)|"
        "%(trailers:key=Migrator-Tool,valueonly,separator=%x2C)"
    )
    lines = git(repo, "log", fmt, "main..HEAD").splitlines()
    assert lines == [
        "fix(demo-sort-cmp): 1 incident in 1 file|demo-sort-cmp|migrator 0.1.0",
        "fix(demo-has-key): 2 incidents in 2 files|demo-has-key|migrator 0.1.0",
    ]
    assert (repo / "pkg/m.py").read_text() == FIXED
    assert (repo / "pkg/n.py").read_text() == "x = b in a\n"
    assert git(repo, "status", "--porcelain") == ""  # .migrator/ is excluded, index clean


def test_commit_per_file_and_all(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"a.py": PY, "b.py": "x = a.has_key(b)\n"})
    assert apply(repo, "--commit-per", "file", "--branch", "fix/files") == 0
    assert git(repo, "rev-list", "--count", "main..fix/files").strip() == "2"
    repo2 = make_repo(tmp_path / "r2", {"a.py": PY, "b.py": "x = a.has_key(b)\n"})
    assert apply(repo2, "--commit-per", "all") == 0
    trailers = git(repo2, "log", "-1", "--format=%(trailers:key=Migrator-Rule,valueonly)")
    assert trailers.strip() == "demo-has-key, demo-sort-cmp"


def test_dirty_file_stops_the_run_and_loses_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "r", {"a.py": PY, "b.py": "x = a.has_key(b)\n"})
    (repo / "a.py").write_text(PY + "# my work in progress\n")
    assert apply(repo) == 2
    assert "uncommitted changes: a.py" in capsys.readouterr().err
    assert (repo / "a.py").read_text() == PY + "# my work in progress\n"
    assert (repo / "b.py").read_text() == "x = a.has_key(b)\n"
    assert git(repo, "branch", "--show-current").strip() == "main"


def test_allow_dirty_skips_the_dirty_file(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"a.py": PY, "b.py": "x = a.has_key(b)\n"})
    (repo / "a.py").write_text(PY + "# wip\n")
    assert apply(repo, "--allow-dirty") == 0
    assert (repo / "a.py").read_text() == PY + "# wip\n"
    assert (repo / "b.py").read_text() == "x = b in a\n"
    assert git(repo, "status", "--porcelain").strip() == "M a.py"


def test_dry_run_and_patch_write_nothing_and_the_patch_applies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "r", {"a.py": PY, "crlf.py": b"x = d.has_key(k)\r\ny = 1"})
    assert main(["apply", str(repo), "-r", str(DEMO_PACK), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "\n-    if d.has_key(k):\n" in out and "\n+    if k in d:\n" in out
    patch = tmp_path / "fix.patch"
    assert main(["apply", str(repo), "-r", str(DEMO_PACK), "--patch", str(patch)]) == 0
    assert git(repo, "status", "--porcelain") == ""
    git(repo, "apply", "--check", str(patch))
    git(repo, "apply", str(patch))
    assert (repo / "a.py").read_text() == FIXED
    assert (repo / "crlf.py").read_bytes() == b"x = k in d\r\ny = 1"


def test_check_exits_1_when_fixes_are_pending(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"a.py": PY})
    assert main(["apply", str(repo), "-r", str(DEMO_PACK), "--check"]) == 1
    clean = make_repo(tmp_path / "c", {"a.py": "x = 1\n"})
    assert main(["apply", str(clean), "-r", str(DEMO_PACK), "--check"]) == 0


def test_encodings_line_endings_bom_and_mode_survive(tmp_path: Path) -> None:
    latin = "# -*- coding: latin-1 -*-\ns = 'café'\nx = d.has_key(k)\n".encode("latin-1")
    files = {
        "latin.py": latin,
        "crlf.py": b"a = 1\r\nx = d.has_key(k)\r\n",
        "bom.py": b"\xef\xbb\xbfx = d.has_key(k)\n",
        "nofinal.py": b"x = d.has_key(k)",
        "tool.py": b"#!/usr/bin/env python\nx = d.has_key(k)\n",
    }
    repo = make_repo(tmp_path / "r", files)
    os.chmod(repo / "tool.py", 0o755)
    git(repo, "commit", "-qam", "exec bit")
    assert apply(repo) == 0
    assert (repo / "latin.py").read_bytes() == latin.replace(b"d.has_key(k)", b"k in d")
    assert (repo / "crlf.py").read_bytes() == b"a = 1\r\nx = k in d\r\n"
    assert (repo / "bom.py").read_bytes() == b"\xef\xbb\xbfx = k in d\n"
    assert (repo / "nofinal.py").read_bytes() == b"x = k in d"
    assert os.stat(repo / "tool.py").st_mode & 0o777 == 0o755


def test_hooks_run_and_a_failing_hook_stops_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "r", {"a.py": "x = d.has_key(k)\n"})
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'lint failed: fix your code' >&2\nexit 1\n")
    hook.chmod(0o755)
    assert apply(repo) == 3
    assert "lint failed: fix your code" in capsys.readouterr().err
    assert git(repo, "rev-list", "--count", "HEAD").strip() == "1"


def test_plain_directory_needs_yes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.py").write_text("x = d.has_key(k)\n")
    assert main(["apply", str(tmp_path), "-r", str(DEMO_PACK)]) == 2
    assert (tmp_path / "a.py").read_text() == "x = d.has_key(k)\n"
    assert "cannot be undone" in capsys.readouterr().out
    assert main(["apply", str(tmp_path), "-r", str(DEMO_PACK), "--yes"]) == 0
    assert (tmp_path / "a.py").read_text() == "x = k in d\n"


def test_without_yes_and_without_a_terminal_nothing_is_applied(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"a.py": "x = d.has_key(k)\n"})
    assert main(["apply", str(repo), "-r", str(DEMO_PACK)]) == 2
    assert (repo / "a.py").read_text() == "x = d.has_key(k)\n"


def test_second_run_finds_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path / "r", {"a.py": PY})
    assert apply(repo) == 0
    head = git(repo, "rev-parse", "HEAD")
    capsys.readouterr()
    assert apply(repo) == 0
    assert "Nothing to fix." in capsys.readouterr().out
    assert git(repo, "rev-parse", "HEAD") == head


def _reference(tmp_path: Path, files: dict[str, str]) -> dict[str, bytes]:
    repo = make_repo(tmp_path / "reference", files)
    assert apply(repo) == 0
    return {name: (repo / name).read_bytes() for name in files}


def test_sigkill_mid_apply_then_a_second_run_finishes(tmp_path: Path) -> None:
    files = {f"m{i:03}.py": PY + f"y{i} = e.has_key(j)\n" for i in range(60)}
    expected = _reference(tmp_path, files)
    originals = {name: content.encode() for name, content in files.items()}
    repo = make_repo(tmp_path / "victim", files)
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\nsleep 0.4\n")  # slow commits widen the window to kill in
    hook.chmod(0o755)
    command = [
        sys.executable,
        "-m",
        "migrator",
        "apply",
        str(repo),
        "-r",
        str(DEMO_PACK),
        "--yes",
        "--commit-per",
        "file",
        "--no-branch",
    ]
    env = {**os.environ, "MIGRATOR_LOG_DIR": str(tmp_path)}
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # kill once some commits have landed
        if int(git(repo, "rev-list", "--count", "HEAD")) >= 3:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    time.sleep(0.6)  # a git child already running finishes its commit
    for name in files:
        assert (repo / name).read_bytes() in (originals[name], expected[name]), name
    git(repo, "status", "--porcelain")  # the index is readable
    assert not (repo / ".git" / "index.lock").exists()
    hook.unlink()
    assert apply(repo, "--commit-per", "file", "--no-branch") == 0
    assert {name: (repo / name).read_bytes() for name in files} == expected
    assert git(repo, "status", "--porcelain") == ""
