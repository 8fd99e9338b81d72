"""XML and JSON documents for `builtin.xml`, `builtin.xmlPublicID` and `builtin.json` (lxml XPath).

Konveyor queries with antchfx/xpath, which differs from XPath 1.0 in ways rules rely on: XPath 2
string functions (`matches`, `ends-with`, `lower-case`, `upper-case`) exist, and a name test
without a prefix matches an element by its local name whatever its namespace (so `//dependency`
finds Maven's namespaced `<dependency>`). Queries with prefixes run on the document as written.
An incident's line is where Konveyor puts it: the first lines of the file that hold the node's
text (its tag name when it has none).
"""

from __future__ import annotations

import json
import re
from typing import Any

from lxml import etree

from migrator.konveyor.patterns import compile_go_regex

_PREFIXED = re.compile(r"(?<![\w:'\"-])[A-Za-z_][\w.-]*:(?!:)[A-Za-z_*]")
_STRING = re.compile(r"'[^']*'|\"[^\"]*\"")
_PARSER = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=True)


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "".join(_text(v) for v in value[:1])
    if isinstance(value, etree._Element):
        return "".join(str(t) for t in value.itertext())
    return "" if value is None else str(value)


def _matches(_context: object, value: Any, pattern: Any, flags: Any = "") -> bool:
    prefix = "(?i)" if "i" in str(flags) else ""
    return compile_go_regex(prefix + _text(pattern)).search(_text(value)) is not None


def _register_functions() -> None:
    functions = etree.FunctionNamespace(None)
    functions["matches"] = _matches
    functions["ends-with"] = lambda _c, v, s: _text(v).endswith(_text(s))
    functions["lower-case"] = lambda _c, v: _text(v).lower()
    functions["upper-case"] = lambda _c, v: _text(v).upper()


_register_functions()


def from_document(xpath: str) -> str:
    """antchfx evaluates from the document node, lxml from the root element: a relative
    `p:persistence[...]` selects the root element there, so it is made absolute here."""
    stripped = xpath.lstrip()
    if stripped[:1].isalpha() or stripped[:1] in ("_", "*", "@"):
        name = re.match(r"[\w.:*-]+", stripped)
        if name is not None and not stripped[name.end() :].lstrip().startswith("("):
            return "/" + stripped
    return xpath


def uses_prefixes(xpath: str) -> bool:
    return _PREFIXED.search(_STRING.sub("''", xpath)) is not None


class XmlDocument:
    """One parsed XML file, with a namespace-free twin for unprefixed queries."""

    def __init__(self, data: bytes) -> None:
        self.root = etree.fromstring(data, _PARSER) if data.strip() else None
        self._plain: etree._Element | None = None

    @property
    def public_id(self) -> str:
        if self.root is None:
            return ""
        return str(self.root.getroottree().docinfo.public_id or "")

    def plain(self) -> etree._Element | None:
        if self._plain is None and self.root is not None:
            copy = etree.fromstring(etree.tostring(self.root), _PARSER)
            for element in copy.iter():
                if isinstance(element.tag, str) and element.tag.startswith("{"):
                    element.tag = etree.QName(element).localname
            etree.cleanup_namespaces(copy)
            self._plain = copy
        return self._plain

    def select(self, xpath: etree.XPath, *, prefixed: bool) -> list[Any]:
        root = self.root if prefixed else self.plain()
        if root is None:
            return []
        try:
            found = xpath(root.getroottree())
        except etree.XPathError:
            return []
        return found if isinstance(found, list) else []


def json_to_xml(data: str) -> etree._Element | None:
    """A JSON document as an element tree: keys are elements, array items repeat their key."""
    try:
        value = json.loads(data)
    except ValueError:
        return None
    root = etree.Element("root")
    _fill(root, value)
    return root


def _fill(element: etree._Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            name = re.sub(r"[^\w.-]", "_", str(key)) or "_"
            if not (name[0].isalpha() or name[0] == "_"):
                name = "_" + name
            items = item if isinstance(item, list) else [item]
            for entry in items:
                _fill(etree.SubElement(element, name), entry)
    elif isinstance(value, list):
        for entry in value:
            _fill(etree.SubElement(element, "element"), entry)
    elif value is not None:
        element.text = json.dumps(value) if isinstance(value, bool) else str(value)


def node_text(node: Any) -> tuple[str, str]:
    """(inner text, name) of a selected node (element, attribute or string result)."""
    if isinstance(node, etree._Element):
        name = etree.QName(node).localname if isinstance(node.tag, str) else ""
        return "".join(str(t) for t in node.itertext()), name
    return str(node), getattr(node, "attrname", "") or ""


def outer_xml(node: Any) -> str:
    if isinstance(node, etree._Element):
        text = etree.tostring(node, encoding="unicode", with_tail=False)
        return re.sub(r">\s+<", "><", text).strip()
    return str(node)


def grep_location(lines: list[str], content: str) -> int | None:
    """Konveyor's line for a node: where the first (up to 5) lines of its text first appear."""
    parts = [p.strip(" ").replace("\t", "") for p in content.split("\n")[:5]]
    parts = [re.escape(p) for p in parts]
    if parts and parts[0] == "":
        parts = parts[1:]
    if parts and parts[-1] == "":
        parts = parts[:-1]
    if not parts or not "".join(parts):
        return None
    pattern = re.compile("(?s).*?" + ".*?".join(parts))
    window = min(len(parts), 5)
    recent = [""] * window
    for number, line in enumerate(lines, start=1):
        recent = [*recent[1:], line.replace("\t", "").strip(" ")]
        if pattern.match("\n".join(recent)):
            return max(1, number - window + 1)
    return None
