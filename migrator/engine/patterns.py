"""Compile code patterns with metavariables into a plain node tree and a Tree-sitter query.

`$X` stands for one node, `$$$X` for zero or more, `$_` and `$$$` for unnamed ones. The pattern
is parsed by the language's own grammar after each metavariable is replaced by a placeholder
identifier; the resulting tree becomes (1) a Tree-sitter query, a necessary condition that the
combined per-language query checks in C, and (2) a `PatternNode` tree that `matching` checks
exactly in Python on the few candidates the query lets through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tree_sitter import Node

from migrator.engine import languages

METAVAR = re.compile(r"\$\$\$([A-Z_][A-Z0-9_]*)?|\$([A-Z_][A-Z0-9_]*)")
# A reference in a message or fix template: $X, $$$X, or ${X} when letters follow the name.
# ${X/regex/replacement/} rewrites what X bound (first match, Python `re` syntax, `\/` for a
# slash): `${N/[lL]$//}` turns `10L` into `10`.
METAVAR_REF = re.compile(
    r"\$\$\$([A-Za-z_]\w*)"
    r"|\$\{([A-Za-z_]\w*)(?:/((?:[^/\\]|\\.)*)/((?:[^/\\]|\\.)*)/)?\}"
    r"|\$([A-Za-z_]\w*)"
)


def ref_name(ref: re.Match[str]) -> str:
    return ref.group(1) or ref.group(2) or ref.group(5)


def ref_transform(ref: re.Match[str]) -> tuple[str, str] | None:
    """The (regex, replacement) of a `${X/regex/replacement/}` reference, unescaped."""
    if ref.group(3) is None:
        return None
    return ref.group(3).replace("\\/", "/"), ref.group(4).replace("\\/", "/")


def transformed(ref: re.Match[str], value: str) -> str:
    """`value` rewritten as the reference says (unchanged for a plain reference)."""
    rewrite = ref_transform(ref)
    return value if rewrite is None else re.sub(rewrite[0], rewrite[1], value, count=1)


_PLACEHOLDER = re.compile(r"__mv(\d+)__")
# Tokens that do not change meaning; ignored on both sides when comparing children.
IGNORED_TOKENS = frozenset({","})


class PatternError(ValueError):
    """A pattern that cannot be compiled; the message is one line."""


@dataclass(frozen=True)
class PatternNode:
    kind: str
    named: bool
    text: str = ""  # compared only for leaves
    field: str | None = None
    children: tuple[PatternNode, ...] = ()
    metavar: str | None = None  # "_" for an unnamed metavariable
    multi: bool = False


@dataclass
class CompiledPattern:
    root: PatternNode
    query: str  # one Tree-sitter pattern whose top node is captured as @match
    metavars: frozenset[str] = field(default_factory=frozenset)


@dataclass
class _Placeholders:
    names: list[tuple[str, bool]] = field(default_factory=list)

    def substitute(self, pattern: str) -> str:
        def replace(m: re.Match[str]) -> str:
            multi = m.group(0).startswith("$$$")
            name = (m.group(1) if multi else m.group(2)) or "_"
            self.names.append((name, multi))
            return f"__mv{len(self.names) - 1}__"

        return METAVAR.sub(replace, pattern)

    def lookup(self, text: str) -> tuple[str, bool] | None:
        m = _PLACEHOLDER.fullmatch(text)
        return self.names[int(m.group(1))] if m else None


def _parse_in_context(language: str, code: str) -> Node:
    """Parse `code` in the first context of the language that yields no error; return its node."""
    info = languages.get_language(language)
    parser = languages.parser(language)
    for prefix, suffix in info.contexts:
        source = (prefix + code + suffix).encode()
        tree = parser.parse(source)
        if tree.root_node.has_error:
            continue
        start = len(prefix.encode())
        end = start + len(code.encode())
        node = tree.root_node.descendant_for_byte_range(start, end)
        if node is None:
            continue
        # Climb to the outermost node with exactly this range, then take the deepest one below it.
        while node.parent is not None and node.parent.byte_range == (start, end):
            node = node.parent
        while node.named_child_count == 1 and node.child_count == 1:
            child = node.children[0]
            if child.byte_range != (start, end):
                break
            node = child
        if node.byte_range == (start, end):
            return node
    raise PatternError(f"pattern does not parse as {language}: {code.strip()[:60]!r}")


def _convert(node: Node, holders: _Placeholders, field_name: str | None) -> PatternNode:
    text = node.text.decode() if node.text is not None else ""
    found = holders.lookup(text)
    if found is not None and (node.child_count == 0 or _single_chain(node)):
        name, multi = found
        return PatternNode(node.type, True, text, field_name, metavar=name, multi=multi)
    children = []
    for index, child in enumerate(node.children):
        if child.is_extra or (not child.is_named and child.type in IGNORED_TOKENS):
            continue
        children.append(_convert(child, holders, node.field_name_for_child(index)))
    return PatternNode(
        node.type, node.is_named, text if not children else "", field_name, tuple(children)
    )


def _single_chain(node: Node) -> bool:
    """A wrapper whose whole content is one placeholder (`expression_statement` around `$$$X`)."""
    while node.child_count == 1:
        node = node.children[0]
    return node.child_count == 0


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return '"' + escaped.replace("\r", "\\r").replace("\t", "\\t") + '"'


@dataclass
class _QueryWriter:
    constraints: dict[str, tuple[str | None, tuple[str, ...]]]  # metavar -> (regex, kinds)
    counter: int = 0

    def capture(self) -> str:
        self.counter += 1
        return f"_t{self.counter}"

    def write(self, node: PatternNode) -> str:
        prefix = f"{node.field}: " if node.field else ""
        if node.metavar is not None:
            regex, kinds = self.constraints.get(node.metavar, (None, ()))
            kind = kinds[0] if len(kinds) == 1 else "_"
            if regex is None:
                return f"{prefix}({kind})"
            name = self.capture()
            return f"{prefix}(({kind}) @{name} (#match? @{name} {_quote(regex)}))"
        if not node.named:
            return f"{prefix}{_quote(node.kind)}"
        if not node.children:
            name = self.capture()
            return f"{prefix}(({node.kind}) @{name} (#eq? @{name} {_quote(node.text)}))"
        parts = [self.write(child) for child in node.children if self._useful(child)]
        return f"{prefix}({node.kind}{' ' if parts else ''}{' '.join(parts)})"

    @staticmethod
    def _useful(child: PatternNode) -> bool:
        # Lists match zero nodes too; loose tokens without a field add nothing the check lacks.
        if child.multi:
            return False
        return child.named or (child.field is not None and not child.children)


def compile_pattern(
    language: str,
    pattern: str,
    constraints: dict[str, tuple[str | None, tuple[str, ...]]] | None = None,
) -> CompiledPattern:
    """Compile a pattern; `constraints` (metavar -> regex, kinds) are pushed into the query."""
    holders = _Placeholders()
    code = holders.substitute(pattern.strip())
    if not code:
        raise PatternError("empty pattern")
    root = _convert(_parse_in_context(language, code), holders, None)
    if root.metavar is not None:
        raise PatternError("a pattern needs more than a metavariable to anchor on")
    root = PatternNode(root.kind, root.named, root.text, None, root.children)
    writer = _QueryWriter(constraints or {})
    query = f"{writer.write(root)} @match"
    named = frozenset(name for name, _ in holders.names if name != "_")
    return CompiledPattern(root, query, named)
