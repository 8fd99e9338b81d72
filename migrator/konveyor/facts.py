"""Phase one of a Konveyor scan: what each provider condition finds in one file.

A `FileEvaluator` is built once per worker process from the catalogue. For one file it runs every
leaf that can apply there (Java references on `.java`, XPath on `.xml`, dependencies on `pom.xml`,
content regexes wherever their `filePattern` says) and returns plain, JSON-ready hits
`[leaf, line, variables]`. Scoping by `filepaths` and chains, `and` / `or` / `not`, tags and
messages all happen later, over every file's hits (`migrator.konveyor.evaluate`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lxml import etree

from migrator.engine.decoding import DecodeError, decode, is_binary
from migrator.konveyor import builtin
from migrator.konveyor.dependency import dependency_matches, pom_dependencies
from migrator.konveyor.java_match import JavaQuery, compile_query, find
from migrator.konveyor.java_refs import JavaFile
from migrator.konveyor.model import Catalogue, Leaf
from migrator.konveyor.paths import path_matches
from migrator.konveyor.patterns import compile_go_regex
from migrator.konveyor.xmlsearch import XmlDocument, from_document

Hit = list[Any]  # [leaf index, line (0: whole file), variables]
PER_FILE = {
    "java.referenced",
    "java.dependency",
    "builtin.filecontent",
    "builtin.xml",
    "builtin.xmlPublicID",
    "builtin.json",
}
_XML_SUFFIXES = (".xml", ".xhtml")


def _namespaces(leaf: Leaf) -> dict[str, str]:
    raw = leaf.param("namespaces") or {}
    return {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}


class FileEvaluator:
    """Runs the per-file leaves of a catalogue; compiles each leaf once, on first use."""

    def __init__(self, catalogue: Catalogue) -> None:
        live = [
            leaf
            for leaf in catalogue.leaves
            if leaf.name in PER_FILE and not leaf.unsupported and not _templated(leaf)
        ]
        self._by_name: dict[str, list[Leaf]] = {}
        for leaf in live:
            self._by_name.setdefault(leaf.name, []).append(leaf)
        self._compiled: dict[int, Any] = {}
        # Content leaves by file pattern: a pattern is tested once per file, not once per leaf.
        self._by_pattern: dict[str, list[Leaf]] = {}
        for leaf in self._leaves("builtin.filecontent"):
            self._by_pattern.setdefault(str(leaf.param("filePattern") or ""), []).append(leaf)
        self._content_for: tuple[str, list[Leaf]] = ("", [])

    def _leaves(self, name: str) -> list[Leaf]:
        return self._by_name.get(name, [])

    def wants(self, path: str) -> bool:
        """Whether any leaf could find something in `path` (so the scan should read it)."""
        lower = path.lower()
        if lower.endswith(".java") and self._leaves("java.referenced"):
            return True
        if lower.endswith(_XML_SUFFIXES) and (
            self._leaves("builtin.xml") or self._leaves("builtin.xmlPublicID")
        ):
            return True
        if lower.endswith(".json") and self._leaves("builtin.json"):
            return True
        if path.rpartition("/")[2] == "pom.xml" and self._leaves("java.dependency"):
            return True
        return bool(self._content_leaves(path))

    def _content_leaves(self, path: str) -> list[Leaf]:
        """The content leaves whose `filePattern` selects `path` (remembered for the last path)."""
        if self._content_for[0] != path or not path:
            chosen = [
                leaf
                for pattern, leaves in self._by_pattern.items()
                if not pattern or path_matches(pattern, path)
                for leaf in leaves
            ]
            self._content_for = (path, chosen)
        return self._content_for[1]

    def _compile(self, leaf: Leaf, build: Callable[[Leaf], Any]) -> Any:
        if leaf.index not in self._compiled:
            self._compiled[leaf.index] = build(leaf)
        return self._compiled[leaf.index]

    def scan(self, path: str, data: bytes) -> list[Hit]:
        """Every hit of every applicable leaf in one file (relative POSIX `path`)."""
        if is_binary(data):
            return []
        try:
            text, _ = decode(data, path=path)
        except DecodeError:
            return []
        hits: list[Hit] = []
        lower = path.lower()
        for leaf in self._content_leaves(path):
            hits += self._filecontent(leaf, text)
        if lower.endswith(".java") and self._leaves("java.referenced"):
            hits += self._java(path, text)
        if lower.endswith(_XML_SUFFIXES):
            hits += self._xml(text, data)
        if lower.endswith(".json"):
            lines = text.splitlines()
            for leaf in self._leaves("builtin.json"):
                xpath = self._compile(leaf, _json_xpath)
                hits += [[leaf.index, ln, v] for ln, v in builtin.json(text, xpath, lines)]
        if path.rpartition("/")[2] == "pom.xml" and self._leaves("java.dependency"):
            hits += self._dependencies(data)
        return hits

    def _filecontent(self, leaf: Leaf, text: str) -> list[Hit]:
        pattern = str(leaf.param("pattern"))
        regex = self._compile(leaf, _content_regex)
        return [[leaf.index, ln, v] for ln, v in builtin.filecontent(text, pattern, regex)]

    def _java(self, path: str, text: str) -> list[Hit]:
        java = JavaFile(text.encode("utf-8"))
        uri = "file:///" + path
        hits: list[Hit] = []
        for leaf in self._leaves("java.referenced"):
            query: JavaQuery = self._compile(leaf, compile_query)
            hits += [[leaf.index, line, v] for line, v in find(java, query, uri)]
        return hits

    def _xml(self, text: str, data: bytes) -> list[Hit]:
        leaves = self._leaves("builtin.xml")
        public = self._leaves("builtin.xmlPublicID")
        if not leaves and not public:
            return []
        try:
            document = XmlDocument(data)
        except (etree.XMLSyntaxError, ValueError):
            return []
        lines = text.splitlines()
        hits: list[Hit] = []
        for leaf in leaves:
            xpath = self._compile(leaf, _xml_xpath)
            source = str(leaf.param("xpath"))
            hits += [[leaf.index, ln, v] for ln, v in builtin.xml(document, xpath, source, lines)]
        for leaf in public:
            regex = self._compile(leaf, lambda lf: compile_go_regex(str(lf.param("regex"))))
            hits += [[leaf.index, ln, v] for ln, v in builtin.xml_public_id(document, regex)]
        return hits

    def _dependencies(self, data: bytes) -> list[Hit]:
        dependencies = pom_dependencies(data)
        hits: list[Hit] = []
        for leaf in self._leaves("java.dependency"):
            params = leaf.params if isinstance(leaf.params, dict) else {}
            for dep in dependencies:
                if dependency_matches(dep, params):
                    hits.append([leaf.index, dep.line, {"name": dep.name, "version": dep.version}])
        return hits


def _templated(leaf: Leaf) -> bool:
    params = leaf.params
    if not isinstance(params, dict):
        return False
    return any(isinstance(v, str) and "{{" in v for k, v in params.items() if k != "filepaths")


def _content_regex(leaf: Leaf) -> re.Pattern[str] | None:
    pattern = str(leaf.param("pattern"))
    return None if builtin.is_literal(pattern) else compile_go_regex(pattern, re.MULTILINE)


def _xml_xpath(leaf: Leaf) -> etree.XPath:
    return etree.XPath(from_document(str(leaf.param("xpath"))), namespaces=_namespaces(leaf))


def _json_xpath(leaf: Leaf) -> etree.XPath:
    return etree.XPath(builtin.absolute_json_xpath(str(leaf.param("xpath"))))
