"""Konveyor's `builtin` provider, one file at a time: file content, XML, XML public IDs, JSON.

Each function returns hits `(line, variables)`; line 0 means "the whole file" (no location), as
Konveyor reports a public-ID match. Variables are the ones Konveyor's provider sets, so messages
templated on them (`{{matchingText}}`, `{{innerText}}`) render the same.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from migrator.konveyor.xmlsearch import (
    XmlDocument,
    grep_location,
    json_to_xml,
    node_text,
    outer_xml,
    uses_prefixes,
)

Hit = tuple[int, dict[str, Any]]
_LITERAL = re.compile(r"[.*+?^${}()|\[\]\\]")


def is_literal(pattern: str) -> bool:
    return _LITERAL.search(pattern) is None


def filecontent(text: str, pattern: str, regex: re.Pattern[str] | None) -> list[Hit]:
    """Every match of `pattern` (a regex, or a literal found at every offset), by start line."""
    starts: list[tuple[int, str]] = []
    if regex is None:
        position = text.find(pattern)
        while position >= 0:
            starts.append((position, pattern))
            position = text.find(pattern, position + 1)
    else:
        starts = [(m.start(), m.group(0)) for m in regex.finditer(text)]
    hits: list[Hit] = []
    line, last = 1, 0
    for offset, matched in starts:
        line += text.count("\n", last, offset)
        last = offset
        hits.append((line, {"matchingText": matched}))
    return hits


def _xml_hits(found: list[Any], lines: list[str]) -> list[Hit]:
    hits: list[Hit] = []
    for node in found:
        inner, name = node_text(node)
        content = inner.strip() or name
        line = grep_location(lines, content) if content else None
        if line is None:
            line = getattr(node, "sourceline", None) or (
                node.getparent().sourceline
                if hasattr(node, "getparent") and node.getparent() is not None
                else 1
            )
        variables = {"matchingXML": outer_xml(node), "innerText": inner, "data": name}
        hits.append((int(line or 1), variables))
    return hits


def xml(document: XmlDocument, xpath: etree.XPath, source: str, lines: list[str]) -> list[Hit]:
    found = document.select(xpath, prefixed=uses_prefixes(source))
    return _xml_hits(found, lines)


def xml_public_id(document: XmlDocument, regex: re.Pattern[str]) -> list[Hit]:
    public_id = document.public_id
    if not public_id or not regex.search(public_id):
        return []
    root = document.root
    name = etree.QName(root).localname if root is not None else ""
    return [(0, {"matchingXML": public_id, "innerText": "", "data": name})]


def json(text: str, xpath: etree.XPath, lines: list[str]) -> list[Hit]:
    root = json_to_xml(text)
    if root is None:
        return []
    try:
        found = xpath(root)
    except etree.XPathError:
        return []
    hits: list[Hit] = []
    for node in found if isinstance(found, list) else []:
        inner, name = node_text(node)
        line = grep_location(lines, inner) if inner.strip() else None
        hits.append((line or 0, {"matchingJSON": inner, "data": name}))
    return hits


def absolute_json_xpath(xpath: str) -> str:
    """Our JSON tree has a `root` element above the document's keys: `/a` becomes `/root/a`."""
    if xpath.startswith("/") and not xpath.startswith("//"):
        return "/*" + xpath
    return xpath
