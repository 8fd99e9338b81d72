"""A small symbol view of one Java file: its package, imports, declared types and variables.

Names resolve syntactically, the way a reader without the classpath would: an explicit import
wins, then a type declared in the file, then the file's own package, the wildcard imports (several
of them make several candidates) and `java.lang`. A dotted name that starts in lower case is
taken as already qualified (`javax.naming.InitialContext`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from tree_sitter import Node

PRIMITIVES = frozenset(
    {"int", "long", "short", "byte", "char", "boolean", "float", "double", "void", "var"}
)


@dataclass(frozen=True)
class Import:
    name: str  # `a.b.C`, `a.b.C.member` (static) or the package/type of a wildcard import
    static: bool
    wildcard: bool
    line: int


def text_of(node: Node | None) -> str:
    return node.text.decode("utf-8", "replace") if node is not None and node.text else ""


def erase(type_text: str) -> str:
    """`java.util.List<String>[]` -> `java.util.List` (no generics, arrays, annotations, spaces)."""
    out, depth = [], 0
    for char in type_text:
        if char == "<":
            depth += 1
        elif char == ">":
            depth = max(0, depth - 1)
        elif depth == 0 and not char.isspace():
            out.append(char)
    name = "".join(out).replace("[]", "").replace("...", "")
    while name.startswith("@"):  # a type annotation such as `@NonNull String`
        name = name.split(".", 1)[-1] if "." in name else ""
    return name


@dataclass
class SymbolView:
    """What a file declares and imports, and name resolution over it."""

    package: str = ""
    imports: list[Import] = field(default_factory=list)
    declared: dict[str, str] = field(default_factory=dict)  # simple name -> FQN
    variables: dict[str, set[str]] = field(default_factory=dict)  # name -> erased type texts
    supertypes: dict[str, list[str]] = field(default_factory=dict)  # class FQN -> type texts

    def __post_init__(self) -> None:
        self._single: dict[str, str] = {}
        self._wildcards: list[str] = []
        self._static: dict[str, list[str]] = {}
        self._static_wildcards: list[str] = []

    def add_import(self, item: Import) -> None:
        self.imports.append(item)
        if item.static and item.wildcard:
            self._static_wildcards.append(item.name)
        elif item.static:
            owner, _, member = item.name.rpartition(".")
            self._static.setdefault(member, []).append(owner)
        elif item.wildcard:
            self._wildcards.append(item.name)
        else:
            self._single[item.name.rpartition(".")[2]] = item.name

    def resolve(self, type_text: str) -> tuple[str, ...]:
        """Candidate FQNs for a type as written; () for primitives, `var` and type variables."""
        name = erase(type_text)
        if not name or name in PRIMITIVES:
            return ()
        head, dot, rest = name.partition(".")
        if dot:
            if head[:1].islower() and head not in self.declared and head not in self._single:
                return (name,)
            return tuple(f"{owner}.{rest}" for owner in self.resolve(head))
        if name in self._single:
            return (self._single[name],)
        if name in self.declared:
            return (self.declared[name],)
        own = f"{self.package}.{name}" if self.package else name
        wildcard = [f"{pkg}.{name}" for pkg in self._wildcards]
        return tuple(dict.fromkeys([own, *wildcard, f"java.lang.{name}"]))

    def is_type_name(self, name: str) -> bool:
        """Whether a bare identifier in an expression names a type rather than a variable."""
        if name in self.variables:
            return False
        return name in self._single or name in self.declared or name[:1].isupper()

    def variable_types(self, name: str) -> tuple[str, ...]:
        found: list[str] = []
        for type_text in sorted(self.variables.get(name, ())):
            found.extend(self.resolve(type_text))
        return tuple(dict.fromkeys(found))

    def static_owners(self, member: str) -> tuple[str, ...]:
        owners = self._static.get(member, []) + self._static_wildcards
        return tuple(dict.fromkeys(owners))

    def add_variable(self, name: str, type_text: str) -> None:
        erased = erase(type_text)
        if name and erased and erased != "var":
            self.variables.setdefault(name, set()).add(erased)

    def supertype_names(self, class_fqn: str) -> tuple[str, ...]:
        found: list[str] = []
        for type_text in self.supertypes.get(class_fqn, ()):
            found.extend(self.resolve(type_text))
        return tuple(dict.fromkeys(found))

    def qualifies(self, qualification: str, regex_match: Iterable[str] = ()) -> bool:
        """Konveyor's "could this file use `qualification`" check, for calls it cannot resolve.

        True when the file's package, an import, or a wildcard import's package relates to the
        qualifier (`a.b.C` for `a.b.C.method`), or `regex_match` (imports the pattern matches)
        is non-empty.
        """
        if any(True for _ in regex_match):
            return True
        if not qualification:
            return False
        package = qualification.rpartition(".")[0]
        if self.package and (self.package == qualification or self.package == package):
            return True
        for item in self.imports:
            if item.wildcard and (qualification == item.name or package == item.name):
                return True
            if not item.wildcard and (
                item.name == qualification or qualification.startswith(item.name + ".")
            ):
                return True
        return False
