"""The region of code a model sees for an incident: its enclosing function, class or statement.

A region is whole lines, found with Tree-sitter: the innermost function or class around the
match when that is not too long, else the innermost statement, else the match's own lines. A
small file is sent whole. Incidents whose regions overlap share one merged region, so several
incidents are fixed in one request. Pure: bytes in, offsets and text out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice

from tree_sitter import Node, Tree

SMALL_FILE_LINES = 60
MAX_REGION_LINES = 150

DEFINITIONS: dict[str, frozenset[str]] = {
    "python": frozenset({"function_definition", "class_definition", "decorated_definition"}),
    "java": frozenset(
        {
            "method_declaration",
            "constructor_declaration",
            "class_declaration",
            "interface_declaration",
            "enum_declaration",
            "record_declaration",
        }
    ),
    "javascript": frozenset(
        {"function_declaration", "method_definition", "class_declaration", "generator_function"}
    ),
    "go": frozenset({"function_declaration", "method_declaration"}),
    "xml": frozenset(),
}
DEFINITIONS["typescript"] = DEFINITIONS["tsx"] = DEFINITIONS["javascript"] | {
    "interface_declaration",
    "abstract_class_declaration",
}
# Beyond `*_statement`: what else stands as a statement in each language.
STATEMENTS: dict[str, frozenset[str]] = {
    "python": frozenset({"decorated_definition"}),
    "java": frozenset({"local_variable_declaration", "field_declaration", "import_declaration"}),
    "javascript": frozenset({"lexical_declaration", "variable_declaration"}),
    "typescript": frozenset({"lexical_declaration", "variable_declaration"}),
    "tsx": frozenset({"lexical_declaration", "variable_declaration"}),
    "go": frozenset({"var_declaration", "const_declaration", "import_declaration"}),
    "xml": frozenset({"element"}),
}


@dataclass(frozen=True)
class Region:
    """Whole lines of a file's UTF-8 text: byte range, 1-based inclusive line range, text."""

    start: int
    end: int
    start_line: int
    end_line: int
    kind: str  # the node type it came from, "file", or "lines"
    text: str

    def contains(self, start: int, end: int) -> bool:
        return self.start <= start and end <= self.end


def _line_span(source: bytes, start: int, end: int) -> tuple[int, int]:
    first = source.rfind(b"\n", 0, start) + 1
    stop = end - 1 if end > start and source[end - 1 : end] == b"\n" else end
    newline = source.find(b"\n", stop)
    return first, len(source) if newline < 0 else newline + 1


def region_of(source: bytes, start: int, end: int, kind: str) -> Region:
    """The whole lines around bytes [start, end)."""
    first, last = _line_span(source, start, end)
    start_line = source.count(b"\n", 0, first) + 1
    end_line = start_line + source.count(b"\n", first, max(last - 1, first))
    return Region(first, last, start_line, end_line, kind, source[first:last].decode("utf-8"))


def _lines(node: Node) -> int:
    return node.end_point[0] - node.start_point[0] + 1


def _is_statement(language: str, node: Node) -> bool:
    return node.type.endswith("_statement") or node.type in STATEMENTS.get(language, ())


def enclosing(
    language: str | None, source: bytes, tree: Tree | None, start: int, end: int
) -> Region:
    """The region a model should see for the match at bytes [start, end) of `source`."""
    if source.count(b"\n") < SMALL_FILE_LINES:
        return region_of(source, 0, len(source), "file")
    if tree is None or language is None:
        return region_of(source, start, end, "lines")
    node: Node | None = tree.root_node.descendant_for_byte_range(start, end)
    definition: Node | None = None
    statement: Node | None = None
    while node is not None and node.parent is not None:
        if statement is None and _is_statement(language, node):
            statement = node
        if node.type in DEFINITIONS.get(language, ()):
            parent = node.parent
            definition = parent if parent.type == "decorated_definition" else node
            break
        node = node.parent
    for candidate in (definition, statement):
        if candidate is not None and _lines(candidate) <= MAX_REGION_LINES:
            return region_of(source, candidate.start_byte, candidate.end_byte, candidate.type)
    return region_of(source, start, end, "lines")


def merge(regions: Sequence[Region], source: bytes) -> list[tuple[Region, list[int]]]:
    """Overlapping regions merged into one; each result lists the indices it came from."""
    order = sorted(range(len(regions)), key=lambda i: (regions[i].start, -regions[i].end))
    merged: list[tuple[Region, list[int]]] = []
    for index in order:
        region = regions[index]
        if merged and region.start < merged[-1][0].end:
            outer, members = merged[-1]
            if not outer.contains(region.start, region.end):
                kind = outer.kind if outer.kind == region.kind else "merged"
                outer = region_of(source, outer.start, max(outer.end, region.end), kind)
            merged[-1] = (outer, [*members, index])
        else:
            merged.append((region, [index]))
    return merged


def context(source: bytes, region: Region, count: int = 2) -> tuple[list[tuple[int, str]], ...]:
    """Up to `count` non-blank lines just before and just after the region, numbered."""
    lines = [line.rstrip("\r") for line in source.decode("utf-8").split("\n")]
    before = islice(
        ((n, lines[n - 1]) for n in range(region.start_line - 1, 0, -1) if lines[n - 1].strip()),
        count,
    )
    after = islice(
        (
            (n, lines[n - 1])
            for n in range(region.end_line + 1, len(lines) + 1)
            if lines[n - 1].strip()
        ),
        count,
    )
    return list(before)[::-1], list(after)
