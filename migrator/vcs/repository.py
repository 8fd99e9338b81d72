"""A git work tree: dirty checks, branches, and commits with provenance trailers.

Every operation runs the git binary (GitPython serves as the process wrapper), so the user's
config, hooks, identity and worktrees behave exactly as they do with `git` on the command line.
GitPython's own object database is never used, which keeps its persistent `git cat-file`
children from being started; `close()` still stops them should anything have started them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from migrator.errors import GitError, UsageError

if TYPE_CHECKING:
    import git

# `rev-parse --show-toplevel` says so outside a repository and inside `.git/` or a bare one.
_NO_WORK_TREE = ("not a git repository", "must be run in a work tree")
_TRAILER_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*\Z")
# Forbid git's guesses (`root@host.domain`, the passwd name): a commit must carry an identity the
# user chose, from git config or the GIT_AUTHOR_*/GIT_COMMITTER_* variables.
_CONFIG_ONLY_IDENTITY = ("-c", "user.useConfigOnly=true")
# Paths are file names, never globs or pathspec magic (`[ab].py` must not match `a.py`).
_LITERAL = "--literal-pathspecs"
_INSTALL_HINT = "install git (https://git-scm.com) or set GIT_PYTHON_GIT_EXECUTABLE to its path"


@dataclass(frozen=True)
class _Result:
    """The outcome of one git process; stdout stays bytes because paths need not be UTF-8."""

    status: int
    stdout: bytes
    stderr: str  # GitPython always decodes it

    @property
    def ok(self) -> bool:
        return self.status == 0

    def text(self) -> str:
        return os.fsdecode(self.stdout).rstrip("\n")

    def first_line(self) -> str:
        """The first non-empty line git (or a hook) printed, stderr first."""
        for stream in (self.stderr, self.stdout.decode("utf-8", "replace")):
            for line in stream.splitlines():
                if line.strip():
                    return line.strip()
        return f"exit status {self.status}"


class Repository:
    """The git work tree a migration runs in. Close it (or use `with`) when done."""

    def __init__(self, repo: git.Repo, root: Path) -> None:
        self._repo = repo
        self.root = root

    @classmethod
    def discover(cls, path: Path) -> Repository | None:
        """The work tree containing `path` (a linked worktree counts), or None outside git.

        Raises GitError when git is missing or refuses the repository (e.g. unsafe ownership),
        UsageError when `path` does not exist.
        """
        try:
            import git as gitpython
        except ImportError as exc:  # GitPython refuses to import when it finds no git binary
            raise _import_error(exc) from exc
        path = Path(os.path.abspath(path))
        if not path.exists():
            raise UsageError(f"{path}: no such file or directory", hint="check the path")
        start = path if path.is_dir() else path.parent
        result = _execute(gitpython.Git(start), ("rev-parse", "--show-toplevel"))
        if not result.ok:
            message = result.first_line()
            if any(marker in message for marker in _NO_WORK_TREE):
                return None
            raise GitError(
                f"git cannot use the repository at {start}: {message}",
                hint=_discover_hint(message, start),
            )
        root = Path(result.text())
        try:
            repo = gitpython.Repo(root)
        except (gitpython.InvalidGitRepositoryError, gitpython.NoSuchPathError) as exc:
            raise GitError(
                f"GitPython cannot open the repository at {root}: {exc}",
                hint=f"run `git status` in {root} to see what is wrong",
            ) from exc
        return cls(repo, root)

    def close(self) -> None:
        """Stop GitPython's persistent `git cat-file` processes, if any were started."""
        self._repo.close()

    def __enter__(self) -> Repository:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def relative(self, path: Path) -> str:
        """`path` as a POSIX path relative to the work-tree root ("." for the root itself)."""
        absolute = Path(os.path.abspath(path))
        # Resolve the directory but not the last component: a symlink inside the tree is a
        # file of the tree even when it points elsewhere.
        real = Path(os.path.realpath(absolute.parent)) / absolute.name
        try:
            return real.relative_to(self.root).as_posix()
        except ValueError:
            raise UsageError(
                f"{path} is outside the git work tree {self.root}",
                hint="run migrator on paths inside the repository",
            ) from None

    def dirty_paths(self) -> set[str]:
        """Tracked files modified, staged or deleted, and untracked files, relative to the root.

        Both sides of a rename count. Ignored files do not.
        """
        output = self._check("status", "--porcelain=v1", "-z", "--untracked-files=all").stdout
        entries = iter(os.fsdecode(output).split("\0"))
        dirty: set[str] = set()
        for entry in entries:
            if len(entry) < 4:
                continue  # the empty string after the final NUL
            status, name = entry[:2], entry[3:]
            dirty.add(name)
            if "R" in status or "C" in status:
                # With -z the source path follows as its own field; a copy leaves it unchanged.
                source = next(entries, "")
                if "R" in status and source:
                    dirty.add(source)
        return dirty

    def changed_since(self, ref: str) -> set[str]:
        """Files changed since the merge base of `ref` and HEAD: committed, uncommitted and new.

        Deleted files are left out (there is nothing to scan). Paths are relative to the root.
        """
        if ref.startswith("-"):
            raise UsageError(f"not a git ref: {ref!r}")
        base = self._run("merge-base", ref, "HEAD")
        if not base.ok:
            raise UsageError(
                f"unknown git ref {ref!r}: {base.first_line()}",
                hint="fetch it first (e.g. `git fetch origin main`) or name a commit",
            )
        diff = self._check(
            "diff", "--name-only", "-z", "--no-renames", "--diff-filter=d", base.text(), "--"
        ).stdout
        untracked = self._check("ls-files", "--others", "--exclude-standard", "-z").stdout
        names = os.fsdecode(diff).split("\0") + os.fsdecode(untracked).split("\0")
        return {name for name in names if name}

    def current_branch(self) -> str | None:
        """The checked-out branch (also when it has no commit yet), None when HEAD is detached."""
        result = self._run("symbolic-ref", "--quiet", "HEAD")
        if result.status == 1:
            return None
        ref = self._ok(result, "read HEAD").text()
        # Not `--short`: it answers `heads/x` when a tag is also called x.
        return ref.removeprefix("refs/heads/")

    def head_sha(self) -> str | None:
        """The commit HEAD points at, None before the first commit."""
        result = self._run("rev-parse", "--verify", "--quiet", "HEAD^{commit}")
        if result.status == 1:
            return None
        return self._ok(result, "read HEAD").text()

    def has_commits(self) -> bool:
        """Whether HEAD points at a commit (False in a freshly initialised repository)."""
        return self.head_sha() is not None

    def switch_branch(self, name: str) -> bool:
        """Check out branch `name`, creating it from HEAD when missing; True when created.

        Uncommitted changes are carried over as `git switch` does; GitError when git refuses
        because they would be overwritten (or the branch is checked out in another worktree).
        """
        self._check_branch_name(name)
        if self.current_branch() == name:
            return False
        exists = self._run("rev-parse", "--verify", "--quiet", f"refs/heads/{name}").ok
        result = self._run("switch", name) if exists else self._run("switch", "--create", name)
        if not result.ok:
            raise GitError(
                f"git refused to switch to branch {name}: {result.first_line()}",
                hint="commit or stash the changes git lists (`git status`), then run again",
            )
        return not exists

    def commit(self, paths: Sequence[str], message: str, trailers: Mapping[str, str]) -> str:
        """Commit exactly `paths` (additions, changes, deletions) and return the new commit sha.

        Changes the user staged to other files stay staged and uncommitted. The repository's
        hooks run; a failing hook raises GitError carrying the hook's first line of output.
        `paths` are relative to the root, as `relative()` returns them.
        """
        if not paths:
            raise ValueError("commit() needs at least one path")
        text = _message_with_trailers(message, trailers)
        self._require_identity()
        # `commit --only` takes changed and deleted tracked files from the work tree by itself,
        # but a new file must be known to the index first.
        present = [path for path in paths if os.path.lexists(self.root / path)]
        if present:
            self._check(_LITERAL, "add", "--", *present)
        result = self._run(
            *_CONFIG_ONLY_IDENTITY,
            _LITERAL,
            "commit",
            "--quiet",
            "--no-edit",
            # Keep `#` lines of a machine-made message whatever the user's commit.cleanup says.
            "--cleanup=whitespace",
            "--message",
            text,
            "--only",
            "--",
            *paths,
        )
        if not result.ok:
            raise _commit_error(result, paths)
        sha = self.head_sha()
        if sha is None:  # pragma: no cover - git reported success without a commit
            raise GitError("git commit reported success but HEAD has no commit")
        return sha

    def add_exclude(self, pattern: str) -> None:
        """Append `pattern` to `.git/info/exclude` once; the user's `.gitignore` stays untouched."""
        if not pattern.strip() or "\n" in pattern or "\r" in pattern:
            raise ValueError(f"not a single exclude pattern: {pattern!r}")
        # --git-path follows linked worktrees to the shared `info/` of the main repository.
        exclude = self.root / self._check("rev-parse", "--git-path", "info/exclude").text()
        existing = (
            exclude.read_bytes().decode("utf-8", "surrogateescape") if exclude.exists() else ""
        )
        if pattern.strip() in (line.strip() for line in existing.splitlines()):
            return
        exclude.parent.mkdir(parents=True, exist_ok=True)
        separator = "" if not existing or existing.endswith("\n") else "\n"
        with exclude.open("a", encoding="utf-8", errors="surrogateescape") as handle:
            handle.write(f"{separator}{pattern.strip()}\n")

    def _require_identity(self) -> None:
        for variable in ("GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT"):
            result = self._run(*_CONFIG_ONLY_IDENTITY, "var", variable)
            if not result.ok:
                missing_name = "no name was given" in result.stderr
                raise GitError(
                    "git has no user identity to commit with",
                    hint='git config user.name "Your Name"'
                    if missing_name
                    else "git config user.email you@example.com",
                )

    def _check_branch_name(self, name: str) -> None:
        # A leading dash would be read as an option by `git switch`.
        if name.startswith("-") or not self._run("check-ref-format", "--branch", name).ok:
            raise UsageError(
                f"{name!r} is not a valid branch name",
                hint="choose a branch name such as migrator/<pack>",
            )

    def _run(self, *args: str) -> _Result:
        return _execute(self._repo.git, args)

    def _check(self, *args: str) -> _Result:
        return self._ok(self._run(*args), " ".join(arg for arg in args if arg != _LITERAL))

    def _ok(self, result: _Result, action: str) -> _Result:
        if not result.ok:
            raise GitError(
                f"git {action} failed: {result.first_line()}",
                hint=f"run `git status` in {self.root} to see what git reports",
            )
        return result


def _import_error(exc: ImportError) -> GitError:
    if "git executable" in str(exc):
        return GitError("git is not installed or not on PATH", hint=_INSTALL_HINT)
    return GitError(f"GitPython cannot be imported: {exc}", hint="pip install GitPython")


def _execute(runner: git.Git, args: Sequence[str]) -> _Result:
    """Run git with `args` in the runner's directory; a non-zero status is returned, not raised."""
    import git  # already imported by discover(); a module-level import would fail without git

    command = [str(git.Git.GIT_PYTHON_GIT_EXECUTABLE or "git"), *args]
    try:
        status, stdout, stderr = runner.execute(
            command,
            with_extended_output=True,
            with_exceptions=False,
            stdout_as_string=False,
            strip_newline_in_stdout=False,
        )
    except git.GitCommandNotFound as exc:
        raise GitError("git is not installed or not on PATH", hint=_INSTALL_HINT) from exc
    except git.CommandError as exc:
        raise GitError(
            f"git {args[0] if args else ''} could not be run: {exc}",
            hint="check that `git --version` works in that directory",
        ) from exc
    return _Result(status, stdout, stderr)


def _discover_hint(message: str, start: Path) -> str:
    if "dubious ownership" in message:
        return f"git config --global --add safe.directory {start}"
    return f"run `git status` in {start} to see what git reports"


def _message_with_trailers(message: str, trailers: Mapping[str, str]) -> str:
    """`message` plus a final paragraph of `Key: value` lines, the shape git parses as trailers.

    Built here rather than with `git commit --trailer` (git >= 2.32), so the result does not
    depend on the git version or on the user's `trailer.*` settings. Trailers written into
    `message` itself end up in the body, not the trailer block: pass them in `trailers`.
    """
    body = message.strip()
    if not body:
        raise ValueError("empty commit message")
    lines = []
    for key, value in trailers.items():
        if not _TRAILER_KEY.match(key):
            raise ValueError(f"invalid trailer key {key!r}")
        if not value.strip() or "\n" in value or "\r" in value:
            raise ValueError(f"trailer {key} needs a one-line value, got {value!r}")
        lines.append(f"{key}: {value.strip()}")
    block = "\n\n" + "\n".join(lines) if lines else ""
    return f"{body}{block}\n"


def _commit_error(result: _Result, paths: Sequence[str]) -> GitError:
    output = result.stdout.decode("utf-8", "replace") + result.stderr
    if not result.stderr.strip() and (
        "nothing to commit" in output or "no changes added to commit" in output
    ):
        return GitError(
            f"nothing to commit: {', '.join(paths)} unchanged",
            hint="check that the fix was written to the work tree",
        )
    # git prints nothing of its own when a hook fails, so this is the hook's first line.
    return GitError(
        f"git commit refused: {result.first_line()}",
        hint="if a pre-commit or commit-msg hook refused, fix what it reports; "
        "otherwise see `git status`",
    )
