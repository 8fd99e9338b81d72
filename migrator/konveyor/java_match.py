"""Match a `java.referenced` condition against one file's references, location by location.

Semantics follow Konveyor's Java provider (JDT search plus its post-filters): a pattern with no
wildcard is an exact name; IMPORT also finds on-demand imports for package patterns (`javax.ejb*`);
TYPE covers every type reference (imports, annotations and declarations included); a call whose
receiver cannot be resolved still matches when the method name fits and the file imports or
lives near the pattern's type, which is what Konveyor does when bindings are missing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from migrator.konveyor.conditions import java_location
from migrator.konveyor.java_refs import Annotation, JavaFile, Ref
from migrator.konveyor.model import Leaf
from migrator.konveyor.patterns import JavaPattern, compile_java_pattern

_PACKAGE_ONLY = re.compile(r"[^A-Z*]+\*")

KINDS: dict[str, tuple[str, ...]] = {
    "IMPORT": ("import",),
    "PACKAGE": ("package",),
    "TYPE": ("type", "import", "annotation", "class"),
    "DEFAULT": ("type", "import", "annotation", "class", "call", "new"),
    "ANNOTATION": ("annotation",),
    "METHOD_CALL": ("call",),
    "CONSTRUCTOR_CALL": ("new",),
    "INHERITANCE": ("super",),
    "IMPLEMENTS_TYPE": ("super",),
    "FIELD": ("field",),
    "METHOD": ("method",),
    "CLASS": ("class",),
    "RETURN_TYPE": ("return",),
    "VARIABLE_DECLARATION": ("variable",),
}


@dataclass(frozen=True)
class ElementQuery:
    name: str
    value: re.Pattern[str]


@dataclass(frozen=True)
class JavaQuery:
    """A compiled `java.referenced` condition."""

    location: str
    pattern: JavaPattern
    annotation: JavaPattern | None
    elements: tuple[ElementQuery, ...]
    qualification: str
    method: re.Pattern[str] | None
    declarations: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = ()


def _split_method(pattern: JavaPattern) -> tuple[str, re.Pattern[str] | None]:
    """`a.b.C.get*` -> ("a.b.C", regex for `get*`), for calls that do not resolve."""
    head = pattern.raw.split("(")[0].split(" ")[0].strip()
    qualification, _, method = head.rpartition(".")
    if not method:
        return "", None
    return qualification.replace("*", ""), compile_java_pattern(method).regex


def compile_query(leaf: Leaf) -> JavaQuery:
    params = leaf.params if isinstance(leaf.params, dict) else {}
    pattern = compile_java_pattern(str(params.get("pattern") or ""))
    location = java_location(params)
    raw = params.get("annotated")
    annotated: dict[str, Any] = raw if isinstance(raw, dict) else {}
    annotation = None
    if annotated.get("pattern"):
        annotation = compile_java_pattern(str(annotated["pattern"]))
    elif annotated and location == "ANNOTATION":
        annotation = pattern
    elements = tuple(
        ElementQuery(str(e.get("name")), re.compile(str(e.get("value", ""))))
        for e in annotated.get("elements") or ()
        if isinstance(e, dict) and e.get("name") is not None
    )
    qualification, method = _split_method(pattern)
    declarations = tuple(_declaration(p) for p in expand_alternation(pattern.raw))
    return JavaQuery(location, pattern, annotation, elements, qualification, method, declarations)


def expand_alternation(raw: str) -> list[str]:
    """`java.io.(File|Reader)*` -> each alternative, as Konveyor's Java provider searches them."""
    match = re.search(r"\(([^()]*\|[^()]*)\)(\??)", raw)
    if match is None:
        return [raw]
    head, tail = raw[: match.start()], raw[match.end() :]
    options = match.group(1).split("|") + ([""] if match.group(2) else [])
    return [head + option + tail for option in options]


def _declaration(raw: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """JDT's reading of a pattern for declarations: `a.b.C*` is package `a.b`, name `C*`."""
    head = raw.split("(")[0].split(" ")[0].strip()
    package, _, name = head.rpartition(".")
    return compile_java_pattern(package or "*").regex, compile_java_pattern(name or "*").regex


def _elements_match(annotation: Annotation, elements: tuple[ElementQuery, ...]) -> bool:
    if not elements:
        return True
    matched = False
    for name, values in annotation.elements:
        for query in elements:
            if query.name == name:
                if not any(query.value.fullmatch(v) for v in values):
                    return False
                matched = True
    return matched


def _annotated(ref: Ref, query: JavaQuery) -> bool:
    """Konveyor's `annotated`: the first annotation of the right type decides by its elements."""
    if query.annotation is None and not query.elements:
        return True
    for annotation in ref.annotations:
        if query.annotation is None or any(query.annotation.matches(n) for n in annotation.names):
            return _elements_match(annotation, query.elements)
    return False


def _any(pattern: JavaPattern, names: Iterable[str]) -> bool:
    return any(pattern.matches(name) for name in names)


def _import(ref: Ref, query: JavaQuery, java: JavaFile) -> bool:
    name = ref.names[0]
    if ref.wildcard:
        raw = query.pattern.raw
        return _PACKAGE_ONLY.fullmatch(raw) is not None and (
            query.pattern.matches(name) or query.pattern.matches(name + ".*")
        )
    static_owner = name.rpartition(".")[0] if ref.symbol and _is_static(java, ref) else ""
    return query.pattern.matches(name) or bool(static_owner and query.pattern.matches(static_owner))


def _is_static(java: JavaFile, ref: Ref) -> bool:
    return ref.names[0] in java.static_imports


def _call(ref: Ref, query: JavaQuery, java: JavaFile) -> bool:
    if not query.pattern.arity_ok(ref.arity):
        return False
    if ref.names:
        return _any(query.pattern, ref.names)
    if query.method is None:
        return query.pattern.matches(ref.method)
    if not query.method.fullmatch(ref.method):
        return False
    imports = (i.name for i in java.symbols.imports if query.pattern.matches(i.name))
    return java.symbols.qualifies(query.qualification, imports)


def _member(ref: Ref, query: JavaQuery) -> bool:
    """METHOD / CLASS declarations: by FQN, by `Simple.name`, or by bare name (no dot)."""
    head = query.pattern
    fqn = ref.names[0]
    owner, _, name = fqn.rpartition(".")
    short = f"{owner.rpartition('.')[2]}.{name}" if owner else name
    if not (head.matches(fqn) or head.matches(short) or head.matches(name)):
        return False
    returns = query.pattern.type_regex
    if returns is not None and ref.kind == "method" and not any(map(returns.fullmatch, ref.types)):
        return False
    return (ref.kind != "method" or query.pattern.arity_ok(ref.arity)) and _annotated(ref, query)


def _declared(ref: Ref, query: JavaQuery) -> bool:
    """A type declaration under TYPE or the default search: JDT splits the pattern at its last
    dot, so `javax.portlet*` finds types named `portlet*` in `javax`, not `javax.portlet.X`."""
    owner, _, simple = ref.names[0].rpartition(".")
    return any(
        package.fullmatch(owner) is not None and name.fullmatch(simple) is not None
        for package, name in query.declarations
    )


def _typed(ref: Ref, query: JavaQuery) -> bool:
    """FIELD / RETURN_TYPE / VARIABLE_DECLARATION: the declared type, `name type` allowed."""
    pattern = query.pattern
    if pattern.type_regex is not None:
        return any(pattern.type_regex.fullmatch(n) for n in ref.names) and _annotated(ref, query)
    return _any(pattern, ref.names) and _annotated(ref, query)


def ref_matches(ref: Ref, query: JavaQuery, java: JavaFile) -> bool:
    if ref.kind == "import":
        return _import(ref, query, java)
    if ref.kind == "call":
        return _call(ref, query, java)
    if ref.kind in ("method", "class") and query.location in ("METHOD", "CLASS"):
        return _member(ref, query)
    if ref.kind == "class":
        return _declared(ref, query)
    if ref.kind in ("field", "return", "variable"):
        return _typed(ref, query)
    if ref.kind == "new" and not query.pattern.arity_ok(ref.arity):
        return False
    if ref.kind == "super" and query.location == "IMPLEMENTS_TYPE" and ref.interface:
        return False
    if not _any(query.pattern, ref.names):
        return False
    return ref.kind not in ("super", "annotation") or _annotated(ref, query)


Hit = tuple[int, dict[str, str]]


def _could_match(java: JavaFile, query: JavaQuery) -> bool:
    """Cheap pre-check: a pattern starting `javax.ejb` needs some name starting `javax.`."""
    if query.location in ("METHOD", "CLASS"):
        return True  # declarations may match by simple name
    head, dot, _ = query.pattern.prefix.partition(".")
    if not head:
        return True
    if dot:
        return head in java.heads
    return any(seen.startswith(head) for seen in java.heads)


def _candidates(java: JavaFile, query: JavaQuery, kind: str) -> list[Ref]:
    head, dot, _ = query.pattern.prefix.partition(".")
    if not dot or query.location in ("METHOD", "CLASS"):
        return java.by_kind.get(kind, [])
    heads = java.by_head.get(kind, {})
    return heads.get(head, []) + heads.get("", [])


def find(
    java: JavaFile, query: JavaQuery, uri: str, keep: Callable[[Ref], bool] | None = None
) -> list[Hit]:
    """Lines (and Konveyor's incident variables) where `query` matches in `java`."""
    if not _could_match(java, query):
        return []
    hits: list[Hit] = []
    for kind in KINDS.get(query.location, KINDS["DEFAULT"]):
        hits += _find_kind(java, query, uri, kind, keep)
    return sorted(hits, key=lambda hit: hit[0])


def _find_kind(
    java: JavaFile, query: JavaQuery, uri: str, kind: str, keep: Callable[[Ref], bool] | None
) -> list[Hit]:
    hits: list[Hit] = []
    for ref in _candidates(java, query, kind):
        if (keep is None or keep(ref)) and ref_matches(ref, query, java):
            variables = {
                "file": uri,
                "kind": ref.kind,
                "name": ref.symbol,
                "package": java.symbols.package,
            }
            hits.append((ref.line, variables))
    return hits
