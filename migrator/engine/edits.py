"""Edits: byte ranges of a file's UTF-8 text and what replaces them. The engine returns edits;
it never writes a file itself."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    text: str
    rule: str = ""

    def overlaps(self, other: Edit) -> bool:
        if self.start == self.end == other.start == other.end:
            return True  # two insertions at one point would be order-dependent
        return self.start < other.end and other.start < self.end


def non_overlapping(edits: Iterable[Edit]) -> tuple[list[Edit], list[Edit]]:
    """Keep the earliest (then longest) edits that do not overlap; the rest wait a round."""
    kept: list[Edit] = []
    deferred: list[Edit] = []
    for edit in sorted(edits, key=lambda e: (e.start, -e.end)):
        if kept and kept[-1].overlaps(edit):
            deferred.append(edit)
        else:
            kept.append(edit)
    return kept, deferred


def apply_edits(source: bytes, edits: Sequence[Edit]) -> bytes:
    """Apply non-overlapping edits to `source` (offsets refer to the original)."""
    out: list[bytes] = []
    cursor = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < cursor:
            raise ValueError(f"overlapping edits at byte {edit.start}")
        out.append(source[cursor : edit.start])
        out.append(edit.text.encode("utf-8"))
        cursor = edit.end
    out.append(source[cursor:])
    return b"".join(out)
