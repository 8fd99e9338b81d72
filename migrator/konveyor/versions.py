"""Version comparison the way Konveyor does it (hashicorp/go-version), Maven-style enough for POMs.

A version is numeric segments plus an optional pre-release: `1.2`, `3.0.0.Final`, `5.3.2-SNAPSHOT`,
`v2`. Missing segments are zeros (`1.2` == `1.2.0`); a pre-release sorts before its release;
release qualifiers Maven treats as the release itself (`Final`, `GA`, `RELEASE`) count as none.
"""

from __future__ import annotations

import re
from functools import total_ordering

_VERSION = re.compile(r"v?(\d+(?:\.\d+)*)(?:[.\-+]?(.*))?$")
_RELEASE_QUALIFIERS = {"", "final", "ga", "release"}


@total_ordering
class Version:
    """A parsed version; compare with <, <=, ==."""

    def __init__(self, numbers: tuple[int, ...], pre: str = "") -> None:
        self.numbers = numbers
        self.pre = pre

    def _key(self) -> tuple[tuple[int, ...], int, str]:
        width = max(len(self.numbers), 4)
        padded = self.numbers + (0,) * (width - len(self.numbers))
        return padded, (1 if not self.pre else 0), self.pre

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Version) and self._key() == other._key()

    def __lt__(self, other: Version) -> bool:
        mine, theirs = self._key(), other._key()
        width = max(len(mine[0]), len(theirs[0]))
        a = mine[0] + (0,) * (width - len(mine[0]))
        b = theirs[0] + (0,) * (width - len(theirs[0]))
        return (a, mine[1], mine[2]) < (b, theirs[1], theirs[2])

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Version({'.'.join(map(str, self.numbers))}{'-' + self.pre if self.pre else ''})"


def parse_version(text: str) -> Version | None:
    """The version in `text`, or None when it has none (`${unresolved}`, `LATEST`)."""
    text = text.strip()
    match = _VERSION.match(text) or re.search(r"v?(\d+(?:\.\d+)*)()", text)
    if match is None:
        return None
    numbers = tuple(int(part) for part in match.group(1).split("."))
    qualifier = (match.group(2) or "").strip(".-+").lower()
    pre = "" if qualifier in _RELEASE_QUALIFIERS else qualifier
    return Version(numbers, pre)


def within(version: str, lower: str = "", upper: str = "") -> bool:
    """Whether `version` lies in [lower, upper]. No version at all matches, as in Konveyor."""
    if not version.strip() or not (lower or upper):
        return True
    found = parse_version(version)
    if found is None:
        return False
    low = parse_version(lower) if lower else None
    high = parse_version(upper) if upper else None
    if low is not None and found < low:
        return False
    return not (high is not None and high < found)
