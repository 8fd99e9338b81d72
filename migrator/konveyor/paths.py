"""Konveyor's file patterns (`filePattern`, `builtin.file`, `filepaths`), on POSIX relative paths.

A pattern naming a file or folder of the tree selects it (and what is inside); otherwise it is a
Go regex searched in `/relative/path` and in the base name (anchored `^...$` when it has no regex
characters), and failing that a glob on either.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from functools import lru_cache

from migrator.konveyor.patterns import compile_go_regex

_SPECIAL = set("*?[]$^")


@lru_cache(maxsize=4096)
def _regex(pattern: str) -> re.Pattern[str] | None:
    source = pattern if _SPECIAL & set(pattern) else f"^{pattern}$"
    try:
        return compile_go_regex(source)
    except re.error:
        return None


def path_matches(pattern: str, path: str) -> bool:
    """Whether the tree path `path` (relative, POSIX) is selected by `pattern`."""
    pattern = pattern.strip()
    if not pattern:
        return False
    base = path.rpartition("/")[2]
    bare = pattern.removeprefix("./").rstrip("/")
    if bare in (path, base) or path.startswith(bare + "/"):
        return True
    regex = _regex(pattern)
    rooted = "/" + path
    if regex is not None and (regex.search(rooted) or regex.search(base)):
        return True
    if "*" in pattern or "?" in pattern:
        return fnmatch.fnmatchcase(rooted, pattern) or fnmatch.fnmatchcase(base, pattern)
    return False


def any_matches(patterns: Iterable[str], path: str) -> bool:
    return any(path_matches(p, path) for p in patterns)


def split_filepaths(value: object) -> list[str]:
    """A `filepaths` value (list, YAML-ish `[a, b]` string or space-separated string) as a list."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        items = [str(v) for v in value]
    else:
        text = str(value).strip()
        if text.startswith("[") and text.endswith("]"):
            text = text[1:-1].replace(",", " ")
        items = text.split()
    return [item.strip().strip("'\"") for item in items if item.strip().strip("'\"")]
