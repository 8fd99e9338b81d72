"""Every reference in one Java file that a `java.referenced` location can ask about.

One combined Tree-sitter query (compiled once per process) captures the nodes of interest; the
symbol view resolves their names to candidate FQNs; the result is a flat list of `Ref`s, each of
one kind: import, package, type, call, new, annotation, super, field, method, class, return,
variable. Lines are 1-based, at the node Konveyor's Java provider reports.
"""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node, Query, QueryCursor

from migrator.engine import languages
from migrator.konveyor.java_symbols import Import, SymbolView, erase, text_of
from migrator.konveyor.java_values import annotation_elements, argument_count, receiver_types

_TYPE_DECLS = (
    "class_declaration",
    "interface_declaration",
    "enum_declaration",
    "record_declaration",
    "annotation_type_declaration",
)
_QUERY_SOURCE = "\n".join(
    [
        "(package_declaration) @package",
        "(import_declaration) @import",
        *(f"({kind}) @decl" for kind in _TYPE_DECLS),
        "(field_declaration) @field",
        "(local_variable_declaration) @local",
        "(formal_parameter) @param",
        "(spread_parameter) @param",
        "(catch_formal_parameter) @catch",
        "(enhanced_for_statement) @foreach",
        "(resource type: (_)) @resource",
        "(method_declaration) @method",
        "(constructor_declaration) @method",
        "(method_invocation) @call",
        "(object_creation_expression) @new",
        "(marker_annotation) @annotation",
        "(annotation) @annotation",
        "(type_identifier) @type",
        "(scoped_type_identifier) @type",
        "(field_access) @access",
    ]
)
MATCH_LIMIT = 50_000
_query: Query | None = None


def _compiled() -> Query:
    global _query
    if _query is None:
        _query = Query(languages.grammar("java"), _QUERY_SOURCE)
    return _query


@dataclass(frozen=True)
class Annotation:
    names: tuple[str, ...]
    elements: tuple[tuple[str, tuple[str, ...]], ...]
    line: int


@dataclass(frozen=True)
class Ref:
    kind: str
    names: tuple[str, ...]  # candidate FQNs (`Type`, `Type.method`, a package)
    line: int
    symbol: str = ""
    arity: int | None = None
    method: str = ""  # a call's method name, kept for receivers that do not resolve
    types: tuple[str, ...] = ()  # a method's return type / a declaration's type candidates
    annotations: tuple[Annotation, ...] = ()
    interface: bool = False  # the declaring type is an interface
    wildcard: bool = False  # an on-demand import (`import a.b.*;`)


def _line(node: Node) -> int:
    return node.start_point[0] + 1


def _enclosing_type(node: Node) -> Node | None:
    parent = node.parent
    while parent is not None and parent.type not in _TYPE_DECLS:
        parent = parent.parent
    return parent


class JavaFile:
    """Parses one file once and lists its references (`refs`) and its symbol view (`symbols`)."""

    def __init__(self, source: bytes) -> None:
        tree = languages.parser("java").parse(source)
        cursor = QueryCursor(_compiled(), match_limit=MATCH_LIMIT)
        self.captures: dict[str, list[Node]] = cursor.captures(tree.root_node)
        self.symbols = SymbolView()
        self.refs: list[Ref] = []
        self._fqn: dict[int, str] = {}
        self._collect_symbols()
        self._collect_refs()
        self.by_kind: dict[str, list[Ref]] = {}
        # kind -> first name segment -> refs: a pattern `javax.ejb...` only looks at `javax`.
        self.by_head: dict[str, dict[str, list[Ref]]] = {}
        for ref in self.refs:
            self.by_kind.setdefault(ref.kind, []).append(ref)
            heads = self.by_head.setdefault(ref.kind, {})
            for head in {name.partition(".")[0] for name in ref.names} or {""}:
                heads.setdefault(head, []).append(ref)
        # First segments of every name the file refers to, to skip patterns cheaply.
        self.heads = {name.partition(".")[0] for ref in self.refs for name in ref.names}
        self.heads.add(self.symbols.package.partition(".")[0])
        self.static_imports = {i.name for i in self.symbols.imports if i.static}

    def nodes(self, name: str) -> list[Node]:
        return self.captures.get(name, [])

    # -- symbols -------------------------------------------------------------------------------

    def _collect_symbols(self) -> None:
        for node in self.nodes("package"):
            name = next((c for c in node.named_children if "identifier" in c.type), None)
            self.symbols.package = text_of(name)
        for node in self.nodes("import"):
            named = [c for c in node.named_children if "identifier" in c.type]
            self.symbols.add_import(
                Import(
                    name=text_of(named[0]) if named else "",
                    static=any(c.type == "static" for c in node.children),
                    wildcard=any(c.type == "asterisk" for c in node.children),
                    line=_line(node),
                )
            )
        for node in sorted(self.nodes("decl"), key=lambda n: n.start_byte):
            fqn = self.class_fqn(node)
            self.symbols.declared.setdefault(text_of(node.child_by_field_name("name")), fqn)
            self.symbols.supertypes[fqn] = [text_of(t) for t in self._supertype_nodes(node)]
        for capture in ("field", "local", "param", "catch", "foreach", "resource"):
            for node in self.nodes(capture):
                self._declare_variables(node)

    def class_fqn(self, decl: Node) -> str:
        if decl.id not in self._fqn:
            name = text_of(decl.child_by_field_name("name"))
            outer = _enclosing_type(decl)
            if outer is not None:
                self._fqn[decl.id] = f"{self.class_fqn(outer)}.{name}"
            else:
                package = self.symbols.package
                self._fqn[decl.id] = f"{package}.{name}" if package else name
        return self._fqn[decl.id]

    def _supertype_nodes(self, decl: Node) -> list[Node]:
        found = []
        for child in decl.named_children:
            if child.type in ("superclass", "super_interfaces", "extends_interfaces"):
                for item in child.named_children:
                    found.extend(item.named_children if item.type == "type_list" else [item])
        return found

    def _declare_variables(self, node: Node) -> None:
        type_node = node.child_by_field_name("type")
        if node.type == "catch_formal_parameter":
            type_node = next((c for c in node.named_children if c.type == "catch_type"), None)
        names = [node.child_by_field_name("name")]
        names += [
            d.child_by_field_name("name")
            for d in node.named_children
            if d.type == "variable_declarator"
        ]
        type_text = text_of(type_node)
        if type_text == "var":
            type_text = self._initialiser_type(node)
        for name in names:
            if name is not None:
                for part in type_text.split("|"):  # multi-catch
                    self.symbols.add_variable(text_of(name), part)

    def _initialiser_type(self, node: Node) -> str:
        for declarator in node.named_children:
            value = declarator.child_by_field_name("value")
            if value is not None and value.type == "object_creation_expression":
                return text_of(value.child_by_field_name("type"))
        return ""

    # -- references ----------------------------------------------------------------------------

    def _add(self, kind: str, names: tuple[str, ...], node: Node, **extra: object) -> None:
        if names or extra.get("method"):
            self.refs.append(Ref(kind, names, _line(node), **extra))  # type: ignore[arg-type]

    def _collect_refs(self) -> None:
        self._import_refs()
        for node in self.nodes("type"):
            if node.parent is None or node.parent.type != "scoped_type_identifier":
                self._type_ref(node)
        for node in self.nodes("annotation"):
            self._add(
                "annotation",
                self._annotation(node).names,
                node,
                annotations=(self._annotation(node),),
            )
        for node in self.nodes("decl"):
            self._declaration_refs(node)
        for node in self.nodes("field"):
            self._typed_refs("field", node, node.child_by_field_name("type"))
        for capture in ("local", "param", "catch", "foreach", "resource"):
            for node in self.nodes(capture):
                self._typed_refs("variable", node, node.child_by_field_name("type"))
        for node in self.nodes("method"):
            self._method_refs(node)
        for node in self.nodes("call"):
            self._call_refs(node)
        for node in self.nodes("new"):
            self._new_refs(node)
        for node in self.nodes("access"):
            self._qualified_expression(node)

    def _import_refs(self) -> None:
        for item, node in zip(self.symbols.imports, self.nodes("import"), strict=False):
            self._add("import", (item.name,), node, symbol=item.name, wildcard=item.wildcard)
            package = item.name if item.wildcard else item.name.rpartition(".")[0]
            if item.static:
                package = package.rpartition(".")[0] if not item.wildcard else package
            if package:
                self._add("package", (package,), node, symbol=package)

    def _type_ref(self, node: Node) -> None:
        text = erase(text_of(node))
        names = self.symbols.resolve(text)
        self._add("type", names, node, symbol=text.rpartition(".")[2])
        if "." in text and names == (text,):
            self._add("package", (text.rpartition(".")[0],), node, symbol=text)

    def _annotation(self, node: Node) -> Annotation:
        names = self.symbols.resolve(text_of(node.child_by_field_name("name")))
        return Annotation(names, annotation_elements(node), _line(node))

    def _decl_annotations(self, node: Node) -> tuple[Annotation, ...]:
        modifiers = next((c for c in node.named_children if c.type == "modifiers"), None)
        if modifiers is None:
            return ()
        return tuple(
            self._annotation(c)
            for c in modifiers.named_children
            if c.type in ("annotation", "marker_annotation")
        )

    def _declaration_refs(self, node: Node) -> None:
        fqn = self.class_fqn(node)
        name = node.child_by_field_name("name") or node
        annotations = self._decl_annotations(node)
        interface = node.type in ("interface_declaration", "annotation_type_declaration")
        if node.type in ("class_declaration", "enum_declaration", "record_declaration"):
            self._add("class", (fqn,), name, symbol=fqn.rpartition(".")[2], annotations=annotations)
        for supertype in self._supertype_nodes(node):
            names = self.symbols.resolve(text_of(supertype))
            self._add(
                "super", names, supertype, symbol=fqn, annotations=annotations, interface=interface
            )

    def _typed_refs(self, kind: str, node: Node, type_node: Node | None) -> None:
        if type_node is None:
            return
        annotations = self._decl_annotations(node) if kind == "field" else ()
        stack = [type_node]
        while stack:
            current = stack.pop()
            if current.type in ("type_identifier", "scoped_type_identifier"):
                names = self.symbols.resolve(text_of(current))
                self._add(
                    kind, names, current, symbol=erase(text_of(current)), annotations=annotations
                )
            else:
                stack.extend(current.named_children)

    def _method_refs(self, node: Node) -> None:
        owner = _enclosing_type(node)
        name_node = node.child_by_field_name("name") or node
        owner_fqn = self.class_fqn(owner) if owner is not None else ""
        name = text_of(name_node)
        return_node = node.child_by_field_name("type")
        returns = self.symbols.resolve(text_of(return_node)) if return_node is not None else ()
        parameters = node.child_by_field_name("parameters")
        self._add(
            "method",
            (f"{owner_fqn}.{name}" if owner_fqn else name,),
            name_node,
            symbol=name,
            arity=argument_count(parameters),
            types=returns,
            annotations=self._decl_annotations(node),
        )
        if return_node is not None:
            self._typed_refs("return", node, return_node)

    def _call_refs(self, node: Node) -> None:
        name_node = node.child_by_field_name("name") or node
        method = text_of(name_node)
        receiver = node.child_by_field_name("object")
        owners = receiver_types(self, node, receiver)
        if (
            receiver is not None
            and receiver.type == "identifier"
            and self.symbols.is_type_name(text_of(receiver))
        ):
            self._type_ref_of(receiver)
        self._add(
            "call",
            tuple(f"{owner}.{method}" for owner in owners),
            name_node,
            symbol=method,
            method=method,
            arity=argument_count(node.child_by_field_name("arguments")),
        )

    def _type_ref_of(self, node: Node) -> None:
        text = text_of(node)
        self._add("type", self.symbols.resolve(text), node, symbol=text)

    def _new_refs(self, node: Node) -> None:
        type_node = node.child_by_field_name("type")
        names = self.symbols.resolve(text_of(type_node))
        arity = argument_count(node.child_by_field_name("arguments"))
        self._add("new", names, node, symbol=erase(text_of(type_node)), arity=arity)
        if any(c.type == "class_body" for c in node.named_children) and type_node is not None:
            self._add("super", names, type_node, symbol=erase(text_of(type_node)))

    def _qualified_expression(self, node: Node) -> None:
        """`a.b.C.FIELD` / `C.FIELD` in code: a type (and package) reference."""
        if node.parent is not None and node.parent.type == "field_access":
            return  # only the outermost access of a chain
        parts = text_of(node).replace(" ", "").split(".")
        if not all(p.isidentifier() for p in parts) or parts[0] in self.symbols.variables:
            return
        if parts[0][:1].isupper():
            if self.symbols.is_type_name(parts[0]):
                self._add("type", self.symbols.resolve(parts[0]), node, symbol=parts[0])
            return
        called = node.parent is not None and node.parent.type == "method_invocation"
        for index, part in enumerate(parts if called else parts[:-1]):
            if part[:1].isupper():
                qualified = ".".join(parts[: index + 1])
                self._add("type", (qualified,), node, symbol=part)
                self._add("package", (".".join(parts[:index]),), node, symbol=qualified)
                return
