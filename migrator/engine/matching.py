"""Exact matching of a `PatternNode` tree against a parsed node, binding metavariables.

The combined query is only a necessary condition; this module decides. A metavariable bound
twice must bind the same text; `$$$X` takes the shortest run of nodes that lets the rest match.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from tree_sitter import Node

from migrator.engine.patterns import IGNORED_TOKENS, PatternNode

Binding = Node | tuple[Node, ...]
Bindings = dict[str, Binding]


def significant_children(node: Node) -> list[Node]:
    return [
        child
        for child in node.children
        if not child.is_extra and (child.is_named or child.type not in IGNORED_TOKENS)
    ]


def _leaves(binding: Binding) -> list[bytes]:
    """The leaf tokens under a binding: equal code whatever its spacing."""
    out: list[bytes] = []
    stack = list(reversed(binding)) if isinstance(binding, tuple) else [binding]
    while stack:
        node = stack.pop()
        if node.child_count == 0:
            if not node.is_extra:
                out.append(node.text or b"")
        else:
            stack.extend(reversed(node.children))
    return out


def _same_text(a: Binding, b: Binding) -> bool:
    return _leaves(a) == _leaves(b)


def binding_text(binding: Binding, source: bytes | None = None) -> str:
    """The source text a metavariable bound; a list keeps its separators when `source` is given."""
    if isinstance(binding, tuple):
        if not binding:
            return ""
        if source is None:
            return " ".join((n.text or b"").decode(errors="replace") for n in binding)
        return source[binding[0].start_byte : binding[-1].end_byte].decode(errors="replace")
    return (binding.text or b"").decode(errors="replace")


def _bind(name: str, value: Binding, bindings: Bindings) -> bool:
    if name == "_":
        return True
    bound = bindings.get(name)
    if bound is None:
        bindings[name] = value
        return True
    return _same_text(bound, value)


def match_node(pattern: PatternNode, node: Node, bindings: Bindings) -> bool:
    """Does `node` match `pattern`? Bindings are added to `bindings` only on success."""
    trial = dict(bindings)
    if not _match(pattern, node, trial):
        return False
    bindings.update(trial)
    return True


def _match(pattern: PatternNode, node: Node, bindings: Bindings) -> bool:
    if pattern.metavar is not None:
        value: Binding = (node,) if pattern.multi else node
        return _bind(pattern.metavar, value, bindings)
    if pattern.kind != node.type or pattern.named != node.is_named:
        return False
    if not pattern.children:
        return not pattern.named or pattern.text.encode() == node.text
    return _match_seq(pattern.children, significant_children(node), 0, 0, bindings)


def _match_seq(
    patterns: Sequence[PatternNode], nodes: Sequence[Node], i: int, j: int, bindings: Bindings
) -> bool:
    if i == len(patterns):
        return j == len(nodes)
    pattern = patterns[i]
    if pattern.multi:
        for end in range(j, len(nodes) + 1):
            trial = dict(bindings)
            run = tuple(n for n in nodes[j:end] if n.is_named)
            if _bind(pattern.metavar or "_", run, trial) and _match_seq(
                patterns, nodes, i + 1, end, trial
            ):
                bindings.update(trial)
                return True
        return False
    if j >= len(nodes):
        return False
    trial = dict(bindings)
    if _match(pattern, nodes[j], trial) and _match_seq(patterns, nodes, i + 1, j + 1, trial):
        bindings.update(trial)
        return True
    return False


@dataclass(frozen=True)
class Constraint:
    """A compiled `where` entry."""

    regex: re.Pattern[str] | None
    kinds: tuple[str, ...]
    negated: Constraint | None = None

    def accepts(self, value: Binding, source: bytes) -> bool:
        if self.kinds:
            nodes = value if isinstance(value, tuple) else (value,)
            if not nodes or any(n.type not in self.kinds for n in nodes):
                return False
        if self.regex is not None and not self.regex.search(binding_text(value, source)):
            return False
        return self.negated is None or not self.negated.accepts(value, source)


@dataclass(frozen=True)
class Relation:
    """A compiled inside / has refinement: a node matching pattern, kind and regex."""

    pattern: PatternNode | None
    kinds: tuple[str, ...]
    regex: re.Pattern[str] | None
    nearest: bool = False
    inside: Relation | None = None
    not_inside: Relation | None = None
    has: Relation | None = None
    not_has: Relation | None = None

    def accepts(self, node: Node) -> bool:
        if self.kinds and node.type not in self.kinds:
            return False
        if self.regex is not None and not self.regex.search(
            (node.text or b"").decode(errors="replace")
        ):
            return False
        if self.pattern is not None and not match_node(self.pattern, node, {}):
            return False
        return refined(node, self)

    def any_ancestor(self, node: Node) -> bool:
        parent = node.parent
        while parent is not None:
            if self.nearest and self.kinds and parent.type in self.kinds:
                return self.accepts(parent)
            if self.accepts(parent):
                return True
            parent = parent.parent
        return False

    def any_descendant(self, node: Node) -> bool:
        stack = list(node.children)
        while stack:
            current = stack.pop()
            if self.accepts(current):
                return True
            stack.extend(current.children)
        return False


class _Refinements(Protocol):
    @property
    def inside(self) -> Relation | None: ...
    @property
    def not_inside(self) -> Relation | None: ...
    @property
    def has(self) -> Relation | None: ...
    @property
    def not_has(self) -> Relation | None: ...


def refined(node: Node, refinements: _Refinements) -> bool:
    """Do the inside / not-inside / has / not-has refinements hold for `node`?"""
    if refinements.inside and not refinements.inside.any_ancestor(node):
        return False
    if refinements.not_inside and refinements.not_inside.any_ancestor(node):
        return False
    if refinements.has and not refinements.has.any_descendant(node):
        return False
    return not (refinements.not_has and refinements.not_has.any_descendant(node))
