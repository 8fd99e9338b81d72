"""Confining every path an agent sends to the server's root.

A path is taken relative to the root (an absolute one must already lie inside it), `..` and
symbolic links are resolved, and the result must still be inside the root: a path that leaves
it, by any of these routes, is refused with one line before anything reads or writes it.
"""

from __future__ import annotations

import os
from pathlib import Path

from migrator.errors import UsageError


class RootGuard:
    """The server's root folder and the check every path argument goes through."""

    def __init__(self, root: Path) -> None:
        resolved = Path(os.path.realpath(root))
        if not resolved.is_dir():
            raise UsageError(f"not a directory: {root}", hint="pass the repository folder")
        self.root = resolved
        self.spelled = Path(os.path.abspath(root))  # the root as given (/tmp, not /private/tmp)

    def relative(self, value: str, *, must_exist: bool = True) -> str:
        """`value` as a POSIX path relative to the root ("." for the root itself).

        Raises UsageError when it leaves the root (`..`, an absolute path elsewhere, a
        symbolic link pointing outside) or, with `must_exist`, when nothing is there.
        """
        if "\0" in value:
            raise UsageError(f"invalid path {value!r}: it contains a NUL character")
        given = Path(value)
        if given.is_absolute() and given.is_relative_to(self.spelled):
            given = given.relative_to(self.spelled)
        candidate = given if given.is_absolute() else self.root / given
        named = Path(os.path.normpath(candidate))  # `..` removed, links kept: the path as named
        real = Path(os.path.realpath(candidate))  # where it leads
        if not all(p == self.root or p.is_relative_to(self.root) for p in (named, real)):
            raise UsageError(
                f"{value} is outside the repository root {self.root}",
                hint="pass a path inside the repository, relative to its root",
            )
        if must_exist and not real.exists():
            raise UsageError(f"no such file or directory: {value}")
        return named.relative_to(self.root).as_posix()

    def absolute(self, value: str, *, must_exist: bool = True) -> Path:
        """The checked path as an absolute path inside the root."""
        relative = self.relative(value, must_exist=must_exist)
        return self.root if relative == "." else self.root / relative
