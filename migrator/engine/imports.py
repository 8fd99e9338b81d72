"""Adding an import a fix needs: once per file, after the file's own imports."""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from migrator.engine import languages


@dataclass(frozen=True)
class ImportStyle:
    imports: frozenset[str]  # top-level node kinds that are imports
    preamble: frozenset[str]  # kinds that must stay above imports (package clause, docstring)


STYLES: dict[str, ImportStyle] = {
    "python": ImportStyle(
        frozenset({"import_statement", "import_from_statement", "future_import_statement"}),
        frozenset(),
    ),
    "java": ImportStyle(frozenset({"import_declaration"}), frozenset({"package_declaration"})),
    "go": ImportStyle(frozenset({"import_declaration"}), frozenset({"package_clause"})),
    "javascript": ImportStyle(frozenset({"import_statement"}), frozenset()),
    "typescript": ImportStyle(frozenset({"import_statement"}), frozenset()),
    "tsx": ImportStyle(frozenset({"import_statement"}), frozenset()),
}


def _normal(text: str) -> str:
    return " ".join(text.replace(";", " ").split())


def _is_docstring(node: Node) -> bool:
    return (
        node.type == "expression_statement"
        and node.named_child_count == 1
        and node.named_children[0].type == "string"
    )


def _anchor(language: str, root: Node) -> Node | None:
    """The node after which the import goes: the last leading import, else the preamble."""
    style = STYLES[language]
    anchor: Node | None = None
    for index, node in enumerate(root.named_children):
        if node.type in style.imports or node.type in style.preamble:
            anchor = node
        elif node.type == "comment":
            continue
        elif language == "python" and index == 0 and _is_docstring(node):
            anchor = node
        else:
            break
    return anchor


def ensure_import(language: str, text: str, statement: str) -> str:
    """`text` with `statement` imported: unchanged when an identical import is already there."""
    style = STYLES.get(language)
    if style is None:
        return text
    data = text.encode("utf-8")
    root = languages.parser(language).parse(data).root_node
    wanted = _normal(statement)
    for node in root.named_children:
        if node.type in style.imports and _normal((node.text or b"").decode()) == wanted:
            return text
    newline = "\r\n" if "\r\n" in text else "\n"
    anchor = _anchor(language, root)
    if anchor is None:
        # Top of the file, below leading comments (shebang, encoding cookie, licence).
        offset = 0
        for node in root.children:
            if node.type != "comment":
                break
            offset = data.find(b"\n", node.end_byte) + 1 or len(data)
        insert = statement + newline
        return (data[:offset] + insert.encode() + data[offset:]).decode("utf-8")
    insert = newline + statement
    return (data[: anchor.end_byte] + insert.encode() + data[anchor.end_byte :]).decode("utf-8")
