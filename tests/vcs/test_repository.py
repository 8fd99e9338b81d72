"""Repository against real git repositories made in tmp_path, isolated from the user's config."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from migrator.errors import ExitCode, GitError, UsageError
from migrator.vcs import Repository

posix_only = pytest.mark.skipif(os.name != "posix", reason="shell hooks and /proc")

_LEAKY_VARIABLES = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_COMMON_DIR",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_CONFIG",
    "GIT_CONFIG_GLOBAL",
    "GIT_CONFIG_SYSTEM",
    "GIT_CONFIG_COUNT",
    "GIT_CONFIG_PARAMETERS",
    "GIT_AUTHOR_NAME",
    "GIT_AUTHOR_EMAIL",
    "GIT_AUTHOR_DATE",
    "GIT_COMMITTER_NAME",
    "GIT_COMMITTER_EMAIL",
    "GIT_COMMITTER_DATE",
    "EMAIL",
    "GIT_PYTHON_GIT_EXECUTABLE",
)


@pytest.fixture(autouse=True)
def isolated_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No global/system git config and no identity from the environment; discovery stops here."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    for variable in _LEAKY_VARIABLES:
        monkeypatch.delenv(variable, raising=False)


def git(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        ["git", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **(env or {})},
    )
    return done.stdout


def make_repo(path: Path, *, identity: bool = True) -> Path:
    path.mkdir()
    git(path, "init", "--quiet", "--initial-branch=main")
    if identity:
        git(path, "config", "user.name", "Test User")
        git(path, "config", "user.email", "test@example.invalid")
    (path / "a.txt").write_text("a\n")
    (path / "b.txt").write_text("b\n")
    bot = {
        f"GIT_{who}_{part}": value
        for who in ("AUTHOR", "COMMITTER")
        for part, value in (("NAME", "Setup"), ("EMAIL", "setup@example.invalid"))
    }
    git(path, "add", ".")
    git(path, "commit", "--quiet", "-m", "initial", env=bot)
    return path


@pytest.fixture
def work(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo")


@pytest.fixture
def repo(work: Path) -> Iterator[Repository]:
    found = Repository.discover(work)
    assert found is not None
    with found:
        yield found


def write_hook(work: Path, name: str, body: str) -> None:
    hook = work / ".git" / "hooks" / name
    hook.write_text("#!/bin/sh\n" + body)
    hook.chmod(0o755)


def staged(work: Path) -> set[str]:
    return set(git(work, "diff", "--cached", "--name-only", "-z").split("\0")) - {""}


# discovery ---------------------------------------------------------------------------------


def test_discover_from_root_subdirectory_and_file(work: Path) -> None:
    (work / "src" / "deep").mkdir(parents=True)
    (work / "src" / "deep" / "m.py").write_text("x = 1\n")
    for start in (work, work / "src" / "deep", work / "src" / "deep" / "m.py", work / "a.txt"):
        found = Repository.discover(start)
        assert found is not None
        with found:
            assert found.root == work.resolve()


def test_discover_plain_directory_is_none(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    assert Repository.discover(plain) is None


def test_discover_inside_dot_git_is_none(work: Path) -> None:
    assert Repository.discover(work / ".git" / "refs") is None


def test_discover_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        Repository.discover(tmp_path / "nope")


def test_discover_linked_worktree(work: Path, tmp_path: Path) -> None:
    linked = tmp_path / "linked"
    git(work, "worktree", "add", "--quiet", "-b", "side", str(linked))
    (linked / "sub").mkdir()
    (linked / "a.txt").write_text("changed in the worktree\n")
    found = Repository.discover(linked / "sub")
    assert found is not None
    with found:
        assert found.root == linked.resolve()
        assert found.current_branch() == "side"
        assert found.dirty_paths() == {"a.txt"}
        found.add_exclude(".migrator/")
        # info/ is shared by all worktrees, so the pattern lands in the main repository's.
        assert ".migrator/" in (work / ".git" / "info" / "exclude").read_text().splitlines()
        (linked / ".migrator").mkdir()
        (linked / ".migrator" / "state.db").write_text("")
        assert found.dirty_paths() == {"a.txt"}


def test_git_missing_at_import_is_a_git_error(tmp_path: Path) -> None:
    # A fresh interpreter: GitPython refuses to import at all when it finds no git binary.
    script = (
        "from pathlib import Path\n"
        "from migrator.errors import GitError\n"
        "from migrator.vcs import Repository\n"
        "try:\n"
        "    Repository.discover(Path('.'))\n"
        "except GitError as exc:\n"
        "    print(int(exc.exit_code), exc.message, '|', exc.hint)\n"
    )
    empty = tmp_path / "empty-path"
    empty.mkdir()
    env = {**os.environ, "PATH": str(empty), "PYTHONPATH": str(Path(__file__).parents[2])}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.startswith("3 git is not installed")
    assert "install git" in done.stdout


def test_git_missing_after_import_is_a_git_error(
    work: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "no-such-dir"))
    with pytest.raises(GitError, match="not installed") as caught:
        Repository.discover(work)
    assert caught.value.exit_code == ExitCode.ENVIRONMENT


# paths and status --------------------------------------------------------------------------


def test_relative(repo: Repository, work: Path, tmp_path: Path) -> None:
    (work / "src").mkdir()
    assert repo.relative(work / "src" / "m.py") == "src/m.py"
    assert repo.relative(work) == "."
    with pytest.raises(UsageError, match="outside"):
        repo.relative(tmp_path / "elsewhere.py")


def test_dirty_paths_clean_tree_is_empty(repo: Repository) -> None:
    assert repo.dirty_paths() == set()


def test_dirty_paths_every_kind(repo: Repository, work: Path) -> None:
    (work / "a.txt").write_text("modified\n")
    (work / "staged new.txt").write_text("staged\n")
    git(work, "add", "staged new.txt")
    (work / "b.txt").unlink()
    (work / "dir" / "nested").mkdir(parents=True)
    (work / "dir" / "nested" / "ünïcødé file.py").write_text("untracked\n")
    (work / "ignored.log").write_text("x")
    (work / ".gitignore").write_text("*.log\n")
    assert repo.dirty_paths() == {
        "a.txt",
        "staged new.txt",
        "b.txt",
        "dir/nested/ünïcødé file.py",
        ".gitignore",
    }


def test_dirty_paths_rename_counts_both_sides(repo: Repository, work: Path) -> None:
    git(work, "mv", "a.txt", "renamed a.txt")
    assert repo.dirty_paths() == {"a.txt", "renamed a.txt"}


# branches and HEAD -------------------------------------------------------------------------


def test_branch_head_and_commits(repo: Repository, work: Path) -> None:
    assert repo.current_branch() == "main"
    assert repo.has_commits()
    assert repo.head_sha() == git(work, "rev-parse", "HEAD").strip()
    git(work, "checkout", "--quiet", "--detach")
    assert repo.current_branch() is None


def test_fresh_repository_has_no_commits(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    git(fresh, "init", "--quiet", "--initial-branch=trunk")
    found = Repository.discover(fresh)
    assert found is not None
    with found:
        assert not found.has_commits()
        assert found.head_sha() is None
        assert found.current_branch() == "trunk"


def test_switch_branch_create_and_back_with_unrelated_dirty_files(
    repo: Repository, work: Path
) -> None:
    (work / "a.txt").write_text("user's unfinished work\n")
    (work / "notes.txt").write_text("untracked\n")
    main_sha = repo.head_sha()

    assert repo.switch_branch("migrator/py2") is True
    assert repo.current_branch() == "migrator/py2"
    assert repo.head_sha() == main_sha
    assert repo.switch_branch("migrator/py2") is False  # already there
    assert repo.switch_branch("main") is False
    assert repo.current_branch() == "main"
    assert repo.switch_branch("migrator/py2") is False  # exists now: checked out, not created
    assert repo.current_branch() == "migrator/py2"

    assert (work / "a.txt").read_text() == "user's unfinished work\n"
    assert repo.dirty_paths() == {"a.txt", "notes.txt"}


def test_switch_branch_refuses_to_clobber_local_changes(repo: Repository, work: Path) -> None:
    repo.switch_branch("other")
    (work / "a.txt").write_text("changed on other\n")
    repo.commit(["a.txt"], "change a on other", {})
    repo.switch_branch("main")
    (work / "a.txt").write_text("uncommitted on main\n")

    with pytest.raises(GitError, match="overwritten") as caught:
        repo.switch_branch("other")
    assert caught.value.hint
    assert repo.current_branch() == "main"
    assert (work / "a.txt").read_text() == "uncommitted on main\n"


@pytest.mark.parametrize("name", ["-f", "bad name", "a..b", ""])
def test_switch_branch_rejects_invalid_names(repo: Repository, name: str) -> None:
    with pytest.raises(UsageError, match="not a valid branch name"):
        repo.switch_branch(name)
    assert repo.current_branch() == "main"


# commits -----------------------------------------------------------------------------------


def test_commit_only_the_given_paths(repo: Repository, work: Path) -> None:
    (work / "user.txt").write_text("the user's own staged change\n")
    git(work, "add", "user.txt")
    (work / "a.txt").write_text("fixed\n")
    (work / "b.txt").unlink()
    (work / "new dir").mkdir()
    (work / "new dir" / "ñew.py").write_text("created by a fix\n")
    before = repo.head_sha()

    sha = repo.commit(["a.txt", "b.txt", "new dir/ñew.py"], "fix: things", {})

    assert sha == repo.head_sha() != before
    fields = [
        f for f in git(work, "show", "--name-status", "--format=", "-z", sha).split("\0") if f
    ]
    assert dict(zip(fields[1::2], fields[0::2], strict=True)) == {
        "a.txt": "M",
        "b.txt": "D",
        "new dir/ñew.py": "A",
    }
    assert staged(work) == {"user.txt"}
    assert repo.dirty_paths() == {"user.txt"}


def test_commit_paths_are_literal_not_globs(repo: Repository, work: Path) -> None:
    (work / "[ab].txt").write_text("bracketed\n")
    (work / "a.txt").write_text("must stay uncommitted\n")
    sha = repo.commit(["[ab].txt"], "add bracketed file", {})
    assert git(work, "show", "--name-only", "--format=", sha).split() == ["[ab].txt"]
    assert repo.dirty_paths() == {"a.txt"}


def test_commit_trailers_read_back(repo: Repository, work: Path) -> None:
    (work / "a.txt").write_text("fixed\n")
    trailers = {
        "Migrator-Rule": "PY2-HAS-KEY",
        "Migrator-Model": "qwen2.5-coder:7b@sha256:abc123",
        "Migrator-Prompt": "5f1e",
    }
    git(work, "config", "commit.cleanup", "strip")  # would drop the `#` line below
    message = "fix(py2): has_key -> in\n\n# has_key is gone in Python 3.\nWhy: py3 removed it.\n"
    sha = repo.commit(["a.txt"], message, trailers)

    rule = git(work, "log", "-1", "--format=%(trailers:key=Migrator-Rule,valueonly)", sha)
    assert rule.strip() == "PY2-HAS-KEY"
    block = git(work, "log", "-1", "--format=%(trailers:only,unfold)", sha).strip()
    assert block.splitlines() == [f"{k}: {v}" for k, v in trailers.items()]
    assert git(work, "log", "-1", "--format=%s", sha).strip() == "fix(py2): has_key -> in"
    assert "# has_key is gone in Python 3." in git(work, "log", "-1", "--format=%b", sha)


@pytest.mark.parametrize(
    "trailers",
    [{"Bad Key": "x"}, {"Migrator-Rule": "two\nlines"}, {"Migrator-Rule": " "}, {"": "x"}],
)
def test_commit_rejects_malformed_trailers(
    repo: Repository, work: Path, trailers: dict[str, str]
) -> None:
    (work / "a.txt").write_text("fixed\n")
    with pytest.raises(ValueError, match="trailer"):
        repo.commit(["a.txt"], "fix", trailers)
    assert staged(work) == set()


def test_commit_with_nothing_changed_is_a_git_error(repo: Repository) -> None:
    before = repo.head_sha()
    with pytest.raises(GitError, match="nothing to commit"):
        repo.commit(["a.txt"], "no-op", {"Migrator-Rule": "R"})
    assert repo.head_sha() == before


def test_commit_needs_paths(repo: Repository) -> None:
    with pytest.raises(ValueError, match="at least one path"):
        repo.commit([], "everything staged would be swept in", {})


@posix_only
def test_failing_pre_commit_hook_is_a_git_error(repo: Repository, work: Path) -> None:
    write_hook(work, "pre-commit", "echo 'lint failed: a.txt has tabs'\necho more\nexit 1\n")
    (work / "a.txt").write_text("fixed\n")
    before = repo.head_sha()
    with pytest.raises(GitError, match=r"lint failed: a\.txt has tabs") as caught:
        repo.commit(["a.txt"], "fix", {"Migrator-Rule": "R"})
    assert "more" not in caught.value.message
    assert caught.value.hint and "hook" in caught.value.hint
    assert repo.head_sha() == before


@posix_only
def test_commit_msg_hook_runs(repo: Repository, work: Path, tmp_path: Path) -> None:
    log = tmp_path / "commit-msg.log"
    write_hook(work, "commit-msg", f'cat "$1" >> "{log}"\n')
    (work / "a.txt").write_text("fixed\n")
    repo.commit(["a.txt"], "fix", {"Migrator-Rule": "R1"})
    assert "Migrator-Rule: R1" in log.read_text()


def test_no_identity_is_a_git_error_before_anything_is_staged(tmp_path: Path) -> None:
    work = make_repo(tmp_path / "anonymous", identity=False)
    (work / "a.txt").write_text("fixed\n")
    (work / "new.txt").write_text("new\n")
    found = Repository.discover(work)
    assert found is not None
    with found:
        before = found.head_sha()
        with pytest.raises(GitError, match="identity") as caught:
            found.commit(["a.txt", "new.txt"], "fix", {"Migrator-Rule": "R"})
        assert caught.value.hint == "git config user.email you@example.com"
        assert caught.value.exit_code == ExitCode.ENVIRONMENT
        assert found.head_sha() == before
    assert staged(work) == set()
    assert "user.email" not in git(work, "config", "--list", "--show-origin")


def test_identity_from_environment_is_accepted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = make_repo(tmp_path / "env-identity", identity=False)
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "CI")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "ci@example.invalid")
    (work / "a.txt").write_text("fixed\n")
    found = Repository.discover(work)
    assert found is not None
    with found:
        sha = found.commit(["a.txt"], "fix", {})
    assert git(work, "log", "-1", "--format=%ae", sha).strip() == "ci@example.invalid"


# exclude and process hygiene ---------------------------------------------------------------


def test_add_exclude_is_idempotent_and_leaves_gitignore_alone(repo: Repository, work: Path) -> None:
    exclude = work / ".git" / "info" / "exclude"
    exclude.write_text("# user's own\n*.swp")  # no final newline
    (work / ".gitignore").write_text("*.log\n")
    git(work, "add", ".gitignore")
    git(work, "commit", "--quiet", "-m", "ignore logs")

    repo.add_exclude(".migrator/")
    repo.add_exclude(".migrator/")

    assert exclude.read_text() == "# user's own\n*.swp\n.migrator/\n"
    assert (work / ".gitignore").read_text() == "*.log\n"
    (work / ".migrator").mkdir()
    (work / ".migrator" / "apply-journal.json").write_text("{}")
    assert repo.dirty_paths() == set()


def test_add_exclude_creates_missing_info_dir(repo: Repository, work: Path) -> None:
    info = work / ".git" / "info"
    for child in info.iterdir():
        child.unlink()
    info.rmdir()
    repo.add_exclude(".migrator/")
    assert (info / "exclude").read_text() == ".migrator/\n"


def _cat_file_children() -> list[int]:
    """Live children of this process running `git cat-file` (from /proc; Linux only)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue  # exited meanwhile
        state, parent = fields[0], int(fields[1])
        if parent == os.getpid() and state != "Z" and b"cat-file" in command:
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_close_leaves_no_cat_file_processes(work: Path) -> None:
    found = Repository.discover(work)
    assert found is not None
    (work / "a.txt").write_text("fixed\n")
    found.dirty_paths()
    found.commit(["a.txt"], "fix", {"Migrator-Rule": "R"})
    assert _cat_file_children() == []  # the public API never starts them
    # GitPython starts its persistent cat-file processes on first object access.
    assert found._repo.head.commit.tree is not None
    assert _cat_file_children() != []
    found.close()
    assert _cat_file_children() == []
    found.close()  # idempotent
