"""Scan one file: decode, parse once, run the language's combined query, refine, report.

All rules of a language share one Tree-sitter query (one pass over the tree); each pattern
index maps back to its rule. Results are plain `Incident` values, safe to send between processes.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tree_sitter import Node, Tree

from migrator.engine import languages
from migrator.engine.combined import CombinedQuery, combine
from migrator.engine.decoding import DecodeError, decode, is_binary
from migrator.engine.matching import Bindings, binding_text, match_node, refined
from migrator.engine.patterns import METAVAR_REF, ref_name, transformed
from migrator.engine.results import Fixability, Incident
from migrator.engine.rules import Rule, RuleSet


@dataclass
class FileScan:
    """What one file produced: incidents, or a reason it could not be scanned."""

    path: str
    incidents: list[Incident] = field(default_factory=list)
    error: str | None = None
    language: str | None = None
    # JSON-ready findings of evaluators that run beside the rule packs (Konveyor rule sets).
    facts: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class Match:
    """A verified match: byte offsets into the UTF-8 text and the metavariable bindings."""

    rule: Rule
    start: int
    end: int
    bindings: Bindings
    groups: dict[str, str] = field(default_factory=dict)  # named groups of a regex rule


@dataclass
class Found:
    source: bytes  # the UTF-8 text the offsets refer to
    matches: list[Match] = field(default_factory=list)
    tree: Tree | None = None


class _Positions:
    """Byte offsets in the UTF-8 text to 1-based line and character column."""

    def __init__(self, text: str, data: bytes) -> None:
        self.data = data
        self.ascii = len(text) == len(data)
        self._starts: list[int] | None = None

    @property
    def starts(self) -> list[int]:
        # Built on first use: most files have no incident and never need it.
        if self._starts is None:
            self._starts = [0] + [m.end() for m in re.finditer(b"\n", self.data)]
        return self._starts

    def point(self, offset: int) -> tuple[int, int]:
        row = bisect_right(self.starts, offset) - 1
        start = self.starts[row]
        column = (
            offset - start if self.ascii else len(self.data[start:offset].decode(errors="replace"))
        )
        return row + 1, column + 1

    def lines(self, first: int, last: int) -> str:
        end = self.starts[last] if last < len(self.starts) else len(self.data)
        return self.data[self.starts[first - 1] : end].decode(errors="replace").rstrip("\r\n")


class Scanner:
    """Runs a rule set over file contents. Build one per process; it compiles queries lazily."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self._by_language: dict[str, list[Rule]] = {}
        self._text_rules: list[Rule] = []
        for rule in ruleset.rules:
            if rule.language == "text":
                self._text_rules.append(rule)
            else:
                self._by_language.setdefault(rule.language, []).append(rule)
        self._combined: dict[str, list[CombinedQuery]] = {}

    def combined(self, language: str) -> list[CombinedQuery]:
        """The language's compiled queries (built once per process, on first use)."""
        if language not in self._combined:
            self._combined[language] = combine(language, self._by_language.get(language, []))
        return self._combined[language]

    def rules_for(self, path: str) -> tuple[str | None, list[Rule]]:
        language = languages.language_for_path(path)
        rules = [r for r in self._by_language.get(language or "", []) if r.applies_to(path)]
        rules += [r for r in self._text_rules if r.applies_to(path)]
        return language, rules

    def wants(self, path: str) -> bool:
        return bool(self.rules_for(path)[1])

    def scan_bytes(self, path: str, data: bytes, *, only: Rule | None = None) -> FileScan:
        """Scan one file's bytes; `only` runs a single rule whatever the path (rule tests)."""
        language, rules = self._selection(path, only)
        result = FileScan(path, language=language)
        if not rules or is_binary(data):
            return result
        try:
            text, fmt = decode(data, path=path)
        except DecodeError as exc:
            result.error = str(exc)
            return result
        utf8 = data if fmt.encoding == "utf-8" and not fmt.bom else None
        found = self._find(language, rules, text, utf8)
        positions = _Positions(text, found.source)
        if found.tree is not None and found.tree.root_node.has_error:
            result.error = _syntax_error(found.tree, positions)
        result.incidents = _incidents(path, found.matches, positions, found.source)
        return result

    def _selection(self, path: str, only: Rule | None) -> tuple[str | None, list[Rule]]:
        if only is not None:
            return (None if only.language == "text" else only.language), [only]
        return self.rules_for(path)

    def find(
        self,
        path: str,
        text: str,
        *,
        only: Rule | None = None,
        keep: Callable[[Rule], bool] | None = None,
        source: bytes | None = None,
    ) -> Found:
        """Every verified match in `text` (already decoded), with its bindings and the tree.

        `source` may pass `text` already encoded as UTF-8, to save encoding it again.
        """
        language, rules = self._selection(path, only)
        if keep is not None:
            rules = [r for r in rules if keep(r)]
        return self._find(language, rules, text, source)

    def _find(
        self, language: str | None, rules: list[Rule], text: str, source: bytes | None
    ) -> Found:
        utf8 = source if source is not None else text.encode("utf-8")
        found = Found(utf8)
        if language and any(r.query for r in rules):
            found.tree = languages.parser(language).parse(utf8)
            found.matches += self._tree_matches(language, found.tree, {id(r) for r in rules}, utf8)
        found.matches += [m for r in rules if r.regex for m in _regex_matches(r, text)]
        found.matches.sort(key=lambda m: (m.start, -m.end, m.rule.id))
        return found

    def _tree_matches(
        self, language: str, tree: Tree, wanted: set[int], source: bytes
    ) -> list[Match]:
        seen: set[tuple[int, int, int]] = set()
        out: list[Match] = []
        for combined in self.combined(language):
            out += self._verified(combined, tree, wanted, source, seen)
        return out

    @staticmethod
    def _verified(
        combined: CombinedQuery,
        tree: Tree,
        wanted: set[int],
        source: bytes,
        seen: set[tuple[int, int, int]],
    ) -> list[Match]:
        out: list[Match] = []
        for rule, captures in combined.matches(tree.root_node, source):
            nodes = captures.get("match")
            if id(rule) not in wanted or not nodes:
                continue
            node = nodes[0]
            key = (id(rule), node.start_byte, node.end_byte)
            if key in seen:
                continue
            bindings = _verify(rule, node, captures, source)
            if bindings is not None:
                seen.add(key)
                out.append(Match(rule, node.start_byte, node.end_byte, bindings))
        return out


def _verify(
    rule: Rule, node: Node, captures: dict[str, list[Node]], source: bytes
) -> Bindings | None:
    bindings: Bindings = {}
    if rule.pattern is not None:
        if not match_node(rule.pattern, node, bindings):
            return None
    else:
        for name, nodes in captures.items():
            if not name.startswith("_"):  # @match too: `where` may constrain it
                bindings[name] = nodes[0] if len(nodes) == 1 else tuple(nodes)
    for name, constraint in rule.constraints.items():
        value = bindings.get(name)
        if value is None or not constraint.accepts(value, source):
            return None
    return bindings if refined(node, rule) else None


def _regex_matches(rule: Rule, text: str) -> list[Match]:
    assert rule.regex is not None
    out: list[Match] = []
    for m in rule.regex.finditer(text):
        if m.end() == m.start():
            continue
        start = len(text[: m.start()].encode())
        end = start + len(m.group(0).encode())
        groups = {k: v for k, v in m.groupdict().items() if v is not None}
        out.append(Match(rule, start, end, {}, groups))
    return out


def substitute(
    template: str, match: Match, source: bytes, text_of: Callable[[str, str], str] | None = None
) -> str:
    """Replace `$X` / `$$$X` in `template` with what `match` bound (unknown names stay)."""

    def replace(m: re.Match[str]) -> str:
        name = ref_name(m)
        if name in match.groups:
            value = match.groups[name]
        elif name in match.bindings:
            value = binding_text(match.bindings[name], source)
        else:
            return m.group(0)
        value = transformed(m, value)
        return text_of(name, value) if text_of else value

    return METAVAR_REF.sub(replace, template)


def _fixability(rule: Rule) -> Fixability:
    if rule.spec.fix is not None:
        return "deterministic"
    return "model" if rule.spec.model else "none"


def _one_line(name: str, value: str) -> str:
    text = " ".join(value.split())
    return text if len(text) <= 80 else text[:77] + "..."


def _incidents(
    path: str, found: list[Match], positions: _Positions, source: bytes
) -> list[Incident]:
    occurrences: dict[tuple[str, str], int] = {}
    out = []
    for match in found:
        rule, start, end = match.rule, match.start, match.end
        line, column = positions.point(start)
        end_line, end_column = positions.point(end)
        # Identity ignores spacing: a reformatted line keeps its fingerprint.
        matched = "".join(source[start:end].decode(errors="replace").split())
        seen = occurrences.get((rule.id, matched), 0)
        occurrences[(rule.id, matched)] = seen + 1
        digest = hashlib.sha256(f"{rule.id}\0{path}\0{matched}\0{seen}".encode()).hexdigest()
        out.append(
            Incident(
                rule=rule.id,
                path=path,
                line=line,
                column=column,
                end_line=end_line,
                end_column=end_column,
                message=substitute(rule.spec.message, match, source, _one_line),
                severity=rule.spec.severity,
                category=rule.spec.category,
                effort=rule.spec.effort,
                snippet=positions.lines(line, min(end_line, line + 4)),
                fix=_fixability(rule),
                fingerprint=digest[:24],
                start_byte=start,
                end_byte=end,
            )
        )
    return out


def first_error(root: Node) -> Node | None:
    """The first ERROR or MISSING node, descending only where the tree reports an error."""
    node, found = root, None
    while True:
        if node.is_error or node.is_missing:
            found = node  # keep going: an ERROR often wraps the real problem
        child = next((c for c in node.children if c.has_error or c.is_missing), None)
        if child is None:
            return found if found is not None else (node if node is not root else None)
        node = child


def _syntax_error(tree: Tree, positions: _Positions) -> str:
    node = first_error(tree.root_node) or tree.root_node
    line, column = positions.point(node.start_byte)
    return f"syntax error at line {line}, column {column}; incidents after it may be incomplete"
