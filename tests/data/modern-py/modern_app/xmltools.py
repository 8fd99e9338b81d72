"""ElementTree (the C accelerator is used automatically) and ast with ast.Constant."""

import ast
import inspect
import math
import sqlite3
import xml.etree.ElementTree as ET
from array import array


def children(xml_text: str) -> list[ET.Element]:
    root = ET.fromstring(xml_text)
    return list(root)


def items(tree: ET.ElementTree) -> list[str]:
    return [item.text or "" for item in tree.iter("item")]


def dump(root: ET.Element) -> bytes:
    return ET.tostring(root)


def pack(values: list[int]) -> bytes:
    buf = array("b", values)
    return buf.tobytes()


def unpack(data: bytes) -> array:
    buf = array("b")
    buf.frombytes(data)
    return buf


class StringCollector(ast.NodeVisitor):
    def __init__(self) -> None:
        self.strings: list[str] = []

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str):
            self.strings.append(node.value)
        self.generic_visit(node)


def constant(value: object) -> ast.Constant:
    return ast.Constant(value=value)


def arity(func) -> int:  # type: ignore[no-untyped-def]
    return len(inspect.signature(func).parameters)


def signature_text(func) -> str:  # type: ignore[no-untyped-def]
    return str(inspect.Signature.from_callable(func))


def common(a: int, b: int) -> int:
    return math.gcd(a, b)


def sqlite_version() -> str:
    return sqlite3.sqlite_version
