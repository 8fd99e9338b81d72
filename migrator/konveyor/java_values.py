"""Small readers over Java nodes: annotation element values, argument counts, call receivers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tree_sitter import Node

from migrator.konveyor.java_symbols import text_of

if TYPE_CHECKING:
    from migrator.konveyor.java_refs import JavaFile

_UNWRAP = ("parenthesized_expression",)


def _value_texts(node: Node) -> tuple[str, ...]:
    if node.type == "element_value_array_initializer":
        return tuple(v for child in node.named_children for v in _value_texts(child))
    if node.type == "string_literal":
        fragments = [text_of(c) for c in node.named_children]
        return ("".join(fragments),)
    return (text_of(node),)


def annotation_elements(node: Node) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """`@A(x = "1", y = {"a", "b"})` -> (("x", ("1",)), ("y", ("a", "b"))).

    A lone value is named `value`, as Java has it."""
    arguments = node.child_by_field_name("arguments")
    if arguments is None:
        return ()
    out = []
    for child in arguments.named_children:
        if child.type == "element_value_pair":
            key, value = child.child_by_field_name("key"), child.child_by_field_name("value")
            if key is not None and value is not None:
                out.append((text_of(key), _value_texts(value)))
        elif child.type not in ("comment", "line_comment", "block_comment"):
            out.append(("value", _value_texts(child)))
    return tuple(out)


def argument_count(arguments: Node | None) -> int | None:
    if arguments is None:
        return None
    return sum(
        1
        for child in arguments.named_children
        if child.type not in ("line_comment", "block_comment")
    )


def _enclosing(node: Node, kinds: tuple[str, ...]) -> Node | None:
    parent = node.parent
    while parent is not None and parent.type not in kinds:
        parent = parent.parent
    return parent


def receiver_types(java: JavaFile, call: Node, receiver: Node | None) -> tuple[str, ...]:
    """Candidate FQNs of the type a call's method belongs to; () when it cannot be told."""
    symbols = java.symbols
    while receiver is not None and receiver.type in _UNWRAP and receiver.named_children:
        receiver = receiver.named_children[0]
    owner = _enclosing(
        call,
        ("class_declaration", "enum_declaration", "record_declaration", "interface_declaration"),
    )
    own = java.class_fqn(owner) if owner is not None else ""
    if receiver is None:
        method = text_of(call.child_by_field_name("name"))
        statics = symbols.static_owners(method)
        inherited = symbols.supertype_names(own) if own else ()
        return tuple(dict.fromkeys([*statics, *([own] if own else []), *inherited]))
    kind = receiver.type
    if kind == "this":
        return (own,) if own else ()
    if kind == "super":
        return symbols.supertype_names(own) if own else ()
    if kind == "identifier":
        name = text_of(receiver)
        if name in symbols.variables:
            return symbols.variable_types(name)
        return symbols.resolve(name) if symbols.is_type_name(name) else ()
    if kind in ("field_access", "scoped_identifier"):
        parts = text_of(receiver).replace(" ", "").split(".")
        if parts[0] in symbols.variables or parts[0] in ("this", "super"):
            return ()
        if all(p.isidentifier() for p in parts):
            return symbols.resolve(".".join(parts))
        return ()
    if kind == "object_creation_expression":
        return symbols.resolve(text_of(receiver.child_by_field_name("type")))
    if kind == "cast_expression":
        return symbols.resolve(text_of(receiver.child_by_field_name("type")))
    if kind in ("string_literal", "text_block"):
        return ("java.lang.String",)
    if kind == "class_literal":
        return ("java.lang.Class",)
    return ()
