"""Which files a scan reads: a sorted walk that honours ignore files and never leaves the root."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pathspec import GitIgnoreSpec, RegexPattern

SKIPPED_DIRS = frozenset({".git", ".hg", ".svn", ".migrator", "__pycache__"})
IGNORE_FILES = (".gitignore", ".migratorignore")  # in one directory, the later one takes precedence

# pathspec's gitignore regexes capture the "/" after a directory in a group of this name.
_DIR_MARK = "ps_d"


@dataclass(frozen=True)
class SourceFile:
    """A file the scan should read."""

    path: str  # relative to the root, POSIX separators
    abspath: str
    size: int


@dataclass(frozen=True)
class Skipped:
    """A file or directory the scan leaves out, with a one-line reason for the user."""

    path: str
    reason: str


@dataclass(frozen=True)
class _Pattern:
    ignores: bool  # False for a "!" pattern, which re-includes
    regex: re.Pattern[str]
    anchored_at_entry: bool

    def matches(self, path: str, *, is_dir: bool) -> bool:
        subject = path + "/" if is_dir and self.anchored_at_entry else path
        return self.regex.search(subject) is not None


@dataclass(frozen=True)
class _IgnoreFile:
    base: str  # the directory its patterns are relative to, "" for the root
    patterns: tuple[_Pattern, ...]

    def verdict(self, path: str, *, is_dir: bool) -> bool | None:
        """True if ignored, False if re-included, None if nothing matches; the last match wins."""
        relative = path[len(self.base) + 1 :] if self.base else path
        for pattern in reversed(self.patterns):
            if pattern.matches(relative, is_dir=is_dir):
                return pattern.ignores
        return None


@dataclass(frozen=True)
class _Pending:
    path: str
    entry: os.DirEntry[str]
    layers: tuple[_IgnoreFile, ...]  # the ignore files in force inside this entry, if a directory


def walk(
    root: Path, *, max_file_size: int = 2_000_000, extra_ignores: Sequence[str] = ()
) -> Iterator[SourceFile | Skipped]:
    """Yield the files under `root` a scan should read, and what it leaves out and why, by path.

    Honours `.gitignore` and `.migratorignore` files at every level (nested ones for their subtree,
    with git's semantics), `.git/info/exclude` at the root, and `extra_ignores` (gitignore syntax,
    relative to the root, highest precedence); an ignored directory is not entered. Never follows a
    symlinked directory; a symlinked file is read only if its target is inside the root. A `root`
    that is a file yields that file alone. Raises FileNotFoundError if `root` does not exist; any
    other problem becomes a `Skipped`.
    """
    root_path = os.path.abspath(root)
    root_stat = os.stat(root_path)
    if not stat.S_ISDIR(root_stat.st_mode):
        yield _sized(os.path.basename(root_path), root_path, root_stat, max_file_size)
        return
    walker = _Walker(root_path, max_file_size, _IgnoreFile("", _compile(extra_ignores)))
    yield from walker.run()


class _Walker:
    def __init__(self, root: str, max_file_size: int, extra: _IgnoreFile) -> None:
        self.root = root
        self.real_root = os.path.realpath(root)
        self.max_file_size = max_file_size
        self.extra = extra

    def run(self) -> Iterator[SourceFile | Skipped]:
        layers: tuple[_IgnoreFile, ...] = ()
        exclude = os.path.join(self.root, ".git", "info", "exclude")
        if os.path.isfile(exclude):
            loaded = _load(exclude, ".git/info/exclude", base="")
            if isinstance(loaded, Skipped):
                yield loaded
            else:
                layers = (loaded,)
        stack, problems = self._children("", self.root, layers)
        yield from problems
        while stack:
            item = stack.pop()
            if item.entry.is_dir(follow_symlinks=False):
                children, problems = self._children(item.path, item.entry.path, item.layers)
                yield from problems
                stack += children
            elif (result := self._classify(item)) is not None:
                yield result

    def _children(
        self, rel_dir: str, abs_dir: str, layers: tuple[_IgnoreFile, ...]
    ) -> tuple[list[_Pending], list[Skipped]]:
        """A directory's entries to visit, last first (a stack), and the problems met reading it."""
        try:
            with os.scandir(abs_dir) as scan:
                entries = sorted(scan, key=_sort_key)
        except OSError as exc:
            return [], [Skipped(rel_dir or ".", f"unreadable directory ({_describe(exc)})")]
        problems: list[Skipped] = []
        by_name = {entry.name: entry for entry in entries}
        for name in IGNORE_FILES:
            entry = by_name.get(name)
            # Like git (since 2.32), never follow a symlinked ignore file.
            if entry is not None and entry.is_file(follow_symlinks=False):
                loaded = _load(entry.path, _join(rel_dir, name), base=rel_dir)
                if isinstance(loaded, Skipped):
                    problems.append(loaded)
                else:
                    layers += (loaded,)
        pending = [
            _Pending(_join(rel_dir, entry.name), entry, layers)
            for entry in entries
            if entry.name not in SKIPPED_DIRS and not self._ignored(entry, rel_dir, layers)
        ]
        return pending[::-1], problems

    def _ignored(
        self, entry: os.DirEntry[str], rel_dir: str, layers: Sequence[_IgnoreFile]
    ) -> bool:
        path = _join(rel_dir, entry.name)
        # git stores a symlink as a link, never as a directory, so "dir/" patterns do not match one.
        is_dir = entry.is_dir(follow_symlinks=False)
        for layer in (self.extra, *reversed(layers)):
            verdict = layer.verdict(path, is_dir=is_dir)
            if verdict is not None:
                return verdict
        return False

    def _classify(self, item: _Pending) -> SourceFile | Skipped | None:
        try:
            if item.entry.is_symlink():
                return self._symlink(item)
            file_stat = item.entry.stat(follow_symlinks=False)
            return _sized(item.path, item.entry.path, file_stat, self.max_file_size)
        except OSError as exc:
            return Skipped(item.path, f"unreadable ({_describe(exc)})")

    def _symlink(self, item: _Pending) -> SourceFile | Skipped | None:
        resolved = os.path.realpath(item.entry.path)
        if os.path.commonpath((self.real_root, resolved)) != self.real_root:
            return Skipped(item.path, f"symlink leaves the repository (-> {resolved})")
        try:
            target_stat = os.stat(item.entry.path)
        except FileNotFoundError:
            return Skipped(item.path, f"broken symlink (-> {os.readlink(item.entry.path)})")
        if stat.S_ISDIR(target_stat.st_mode):
            return None  # walked under its own path; following the link could duplicate or loop
        return _sized(item.path, item.entry.path, target_stat, self.max_file_size)


def _sized(path: str, abspath: str, st: os.stat_result, max_file_size: int) -> SourceFile | Skipped:
    if not stat.S_ISREG(st.st_mode):
        return Skipped(path, "not a regular file")
    if st.st_size > max_file_size:
        limit = _format_size(max_file_size)
        return Skipped(path, f"larger than {limit} (size limit; raise it with --max-file-size)")
    return SourceFile(path, abspath, st.st_size)


def _load(abspath: str, path: str, *, base: str) -> _IgnoreFile | Skipped:
    try:
        # git skips a UTF-8 BOM; surrogateescape keeps odd bytes comparable with os.scandir's names.
        with open(abspath, encoding="utf-8-sig", errors="surrogateescape") as handle:
            return _IgnoreFile(base, _compile(handle.read().splitlines()))
    except OSError as exc:
        return Skipped(
            path, f"unreadable ignore file, its patterns are not applied ({_describe(exc)})"
        )


def _compile(lines: Iterable[str]) -> tuple[_Pattern, ...]:
    compiled: list[_Pattern] = []
    for line in lines:
        try:
            spec = GitIgnoreSpec.from_lines([line])
        except ValueError:
            continue  # git skips a malformed pattern, such as a trailing backslash
        for pattern in spec.patterns:
            if isinstance(pattern, RegexPattern) and pattern.include is not None:
                compiled.append(_to_pattern(pattern))
    return tuple(compiled)


def _to_pattern(pattern: RegexPattern) -> _Pattern:
    regex = pattern.regex
    assert regex is not None  # pathspec gives every pattern that includes or excludes a regex
    if _DIR_MARK not in regex.groupindex:
        return _Pattern(bool(pattern.include), regex, anchored_at_entry=False)
    # pathspec's regexes also match everything below a matching directory: they are made to test
    # whole paths. The walk tests each entry itself and stops at ignored directories, as git does,
    # so a match must end at the entry; otherwise "*" then "!*/" would re-include every file.
    anchored = re.compile(f"(?:{regex.pattern})\\Z", regex.flags)
    return _Pattern(bool(pattern.include), anchored, anchored_at_entry=True)


def _sort_key(entry: os.DirEntry[str]) -> str:
    # Sorting a directory as "name/" sorts the walk's output by full path, as git lists files.
    return entry.name + "/" if entry.is_dir(follow_symlinks=False) else entry.name


def _join(rel_dir: str, name: str) -> str:
    return f"{rel_dir}/{name}" if rel_dir else name


def _describe(exc: OSError) -> str:
    return (exc.strerror or type(exc).__name__).lower()


def _format_size(size: int) -> str:
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"
