"""Deterministic fixes: rule templates turned into safe edits, applied to a fixpoint.

A template's metavariables are replaced by what they bound. The result is re-parsed: a fix that
adds a syntax error is refused, and where an inserted piece would bind differently in its new
place (`d.has_key(a or b)` -> `a or b in d`) it is parenthesised until every piece and the whole
replacement are nodes of their own again. A fix that cannot be made safe is left for the model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tree_sitter import Node, Tree

from migrator.engine import languages
from migrator.engine.edits import Edit, apply_edits, non_overlapping
from migrator.engine.imports import ensure_import
from migrator.engine.patterns import METAVAR_REF, ref_name, transformed
from migrator.engine.rules import Rule
from migrator.engine.scanner import Match, Scanner, first_error

MAX_ROUNDS = 10


@dataclass(frozen=True)
class Unsafe:
    """A match whose fix was not applied, and why."""

    rule: str
    line: int
    reason: str


@dataclass
class FileFix:
    path: str
    before: str
    after: str
    applied: dict[str, int] = field(default_factory=dict)  # rule id -> edits applied
    unsafe: list[Unsafe] = field(default_factory=list)
    converged: bool = True

    @property
    def changed(self) -> bool:
        return self.after != self.before


@dataclass
class _Piece:
    start: int  # character offsets in the replacement text
    end: int
    single: bool


def _error_count(tree: Tree) -> int:
    count = 0
    stack: list[Node] = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            count += 1
        if node.has_error:
            stack.extend(node.children)
    return count


def _is_span(tree: Tree, start: int, end: int, *, single: bool) -> bool:
    """Does [start, end) hold one node (or, unless `single`, a run of sibling nodes)?"""
    if start == end:
        return True
    node = tree.root_node.descendant_for_byte_range(start, end)
    if node is None:
        return False
    if node.start_byte == start and node.end_byte == end:
        return True
    if single:
        return False
    return start in {c.start_byte for c in node.children} and end in {
        c.end_byte for c in node.children
    }


class Fixer:
    """Computes fixed texts; never writes a file."""

    def __init__(self, scanner: Scanner) -> None:
        self.scanner = scanner

    def fix_text(
        self, path: str, text: str, *, rules: set[str] | None = None, only: Rule | None = None
    ) -> FileFix:
        """Fix `text` with the fixable rules (all, those in `rules`, or `only`) to a fixpoint."""

        def wanted(rule: Rule) -> bool:
            return rule.spec.fix is not None and (rules is None or rule.id in rules)

        result = FileFix(path, text, text)
        for _ in range(MAX_ROUNDS):
            found = self.scanner.find(path, result.after, only=only, keep=wanted)
            edits, unsafe = self._edits(found.matches, found.source, found.tree, result.after)
            result.unsafe = unsafe
            kept, _ = non_overlapping(edits)
            if not kept:
                return result
            source = apply_edits(found.source, kept)
            for edit in kept:
                result.applied[edit.rule] = result.applied.get(edit.rule, 0) + 1
            result.after = self._add_imports(path, source.decode("utf-8"), kept)
        result.converged = False
        return result

    def _edits(
        self, matches: list[Match], source: bytes, tree: Tree | None, text: str
    ) -> tuple[list[Edit], list[Unsafe]]:
        newline = "\r\n" if "\r\n" in text else "\n"
        if (
            tree is None
            and matches
            and languages.get_language(matches[0].rule.language).has_grammar
        ):
            # Only regex rules ran, so nothing was parsed: count the errors already there.
            tree = languages.parser(matches[0].rule.language).parse(source)
        base_errors = _error_count(tree) if tree is not None else 0
        edits: list[Edit] = []
        unsafe: list[Unsafe] = []
        for match in matches:
            replacement, reason = self._replacement(match, source, newline, base_errors)
            if replacement is None:
                line = source.count(b"\n", 0, match.start) + 1
                unsafe.append(Unsafe(match.rule.id, line, reason))
            elif replacement.encode("utf-8") != source[match.start : match.end]:
                edits.append(Edit(match.start, match.end, replacement, match.rule.id))
        return edits, unsafe

    def _replacement(
        self, match: Match, source: bytes, newline: str, base_errors: int
    ) -> tuple[str | None, str]:
        template = match.rule.spec.fix_template or ""
        line_start = source.rfind(b"\n", 0, match.start) + 1
        indent = re.match(rb"[ \t]*", source[line_start : match.start])
        text, pieces = _fill(
            template, match, source, newline, indent.group(0).decode() if indent else ""
        )
        language = match.rule.language
        if not languages.get_language(language).has_grammar:
            return text, ""
        parser = languages.parser(language)
        structural = match.rule.regex is None
        for _ in range(2 + 2 * len(pieces)):
            fixed = source[: match.start] + text.encode("utf-8") + source[match.end :]
            tree = parser.parse(fixed)
            if _error_count(tree) > base_errors:
                err = first_error(tree.root_node)
                where = f" (near byte {err.start_byte})" if err is not None else ""
                return None, f"the fix would not parse{where}"
            if not structural:
                return text, ""
            wrap = self._misplaced(tree, match.start, text, pieces)
            if wrap is None:
                return text, ""
            text, pieces = _parenthesise(text, pieces, wrap)
        return None, "the fix changes how the surrounding code groups, even in parentheses"

    @staticmethod
    def _misplaced(tree: Tree, offset: int, text: str, pieces: list[_Piece]) -> _Piece | None:
        """The whole replacement or the first piece that is not a node of its own."""

        def span(start: int, end: int) -> tuple[int, int]:
            return (offset + len(text[:start].encode()), offset + len(text[:end].encode()))

        whole = _Piece(0, len(text), single="\n" not in text.strip())
        for piece in [whole, *pieces]:
            start, end = span(piece.start, piece.end)
            if not _is_span(tree, start, end, single=piece.single):
                return piece
        return None

    def _add_imports(self, path: str, text: str, applied: list[Edit]) -> str:
        rules = {r.id: r for r in self.scanner.ruleset.rules}
        for rule_id in dict.fromkeys(edit.rule for edit in applied):
            rule = rules.get(rule_id)
            for statement in rule.spec.fix_imports if rule else ():
                text = ensure_import(rule.language, text, statement) if rule else text
        return text


def _value(name: str, match: Match, source: bytes) -> tuple[str, bool] | None:
    """What a metavariable bound, and whether it is a single node; None when unbound."""
    if name in match.groups:
        return match.groups[name], True
    if name not in match.bindings:
        return None
    bound = match.bindings[name]
    if not isinstance(bound, tuple):
        return (bound.text or b"").decode(), True
    text = source[bound[0].start_byte : bound[-1].end_byte].decode() if bound else ""
    return text, False


_LEADING_SEPARATOR = re.compile(r"^\s*,\s*")
_TRAILING_SEPARATOR = re.compile(r",\s*$")


def _fill(
    template: str, match: Match, source: bytes, newline: str, indent: str
) -> tuple[str, list[_Piece]]:
    """Substitute metavariables, indent template lines like the match, track inserted pieces.

    An empty list takes one neighbouring comma with it: `f($$$A, $B)` with no A is `f(b)`.
    """
    literals: list[str] = []
    values: list[tuple[str, bool]] = []
    cursor = 0
    for ref in METAVAR_REF.finditer(template):
        literals.append(template[cursor : ref.start()])
        found = _value(ref_name(ref), match, source)
        if found is not None:
            found = (transformed(ref, found[0]), found[1])
        elif ref.group(1):  # an unbound list is an empty one (a query did not capture it)
            found = ("", False)
        values.append(found if found is not None else (ref.group(0), False))
        cursor = ref.end()
    literals.append(template[cursor:])
    for index, (value, single) in enumerate(values):
        if value or single:
            continue
        after = _LEADING_SEPARATOR.sub("", literals[index + 1], count=1)
        if after != literals[index + 1]:
            literals[index + 1] = after
        else:
            literals[index] = _TRAILING_SEPARATOR.sub("", literals[index], count=1)
    out: list[str] = []
    pieces: list[_Piece] = []
    length = 0
    for literal, (value, single) in zip(literals, [*values, ("", True)], strict=True):
        part = literal.replace("\n", newline + indent)
        pieces.append(_Piece(length + len(part), length + len(part) + len(value), single))
        out += [part, value]
        length += len(part) + len(value)
    return "".join(out), [p for p in pieces if p.end > p.start]


def _parenthesise(text: str, pieces: list[_Piece], target: _Piece) -> tuple[str, list[_Piece]]:
    wrapped = (
        text[: target.start] + "(" + text[target.start : target.end] + ")" + text[target.end :]
    )
    moved = []
    for piece in pieces:
        if piece is target:
            moved.append(_Piece(piece.start, piece.end + 2, True))
        elif piece.start >= target.end:
            moved.append(_Piece(piece.start + 2, piece.end + 2, piece.single))
        elif piece.start >= target.start:
            moved.append(_Piece(piece.start + 1, piece.end + 1, piece.single))
        else:
            moved.append(piece)
    return wrapped, moved
