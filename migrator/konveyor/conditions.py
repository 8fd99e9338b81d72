"""Turn a rule's `when` mapping into a condition tree, checking what the engine can evaluate.

A provider condition the engine cannot run (another language's provider, an unknown capability,
a pattern that does not compile) becomes a leaf marked `unsupported` with the reason: the rule is
reported once as an error, never silently dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lxml import etree

from migrator.konveyor.model import Condition, Group, Leaf
from migrator.konveyor.patterns import compile_go_regex, compile_java_pattern

CHAIN_KEYS = ("as", "from", "ignore", "not")

# Konveyor's Java locations, by the name rules use. Unknown names fall back to the default search
# (types, method and constructor calls), as Konveyor's Java provider does.
JAVA_LOCATIONS = {
    "": "DEFAULT",
    "IMPORT": "IMPORT",
    "PACKAGE": "PACKAGE",
    "TYPE": "TYPE",
    "ANNOTATION": "ANNOTATION",
    "METHOD_CALL": "METHOD_CALL",
    "CONSTRUCTOR_CALL": "CONSTRUCTOR_CALL",
    "INHERITANCE": "INHERITANCE",
    "IMPLEMENTS_TYPE": "IMPLEMENTS_TYPE",
    "FIELD": "FIELD",
    "FIELD_DECLARATION": "FIELD",
    "METHOD": "METHOD",
    "METHOD_DECLARATION": "METHOD",
    "CLASS": "CLASS",
    "CLASS_DECLARATION": "CLASS",
    "RETURN_TYPE": "RETURN_TYPE",
    "VARIABLE_DECLARATION": "VARIABLE_DECLARATION",
}
UNSUPPORTED_LOCATIONS = {"ENUM": "location ENUM (enum constants) is not supported"}


def java_location(params: Any) -> str:
    raw = str(params.get("location") or "").strip().upper() if isinstance(params, dict) else ""
    return JAVA_LOCATIONS.get(raw, "DEFAULT")


def _is_template(value: Any) -> bool:
    return isinstance(value, str) and "{{" in value


def _check_regex(params: Any, key: str, *, required: bool = True) -> str:
    value = params.get(key) if isinstance(params, dict) else None
    if value is None or value == "":
        return f"missing `{key}`" if required else ""
    try:
        compile_go_regex(str(value), re.MULTILINE)
    except re.error as exc:
        return f"invalid regex {value!r}: {exc}"
    return ""


def _check_java_referenced(params: Any) -> str:
    if not isinstance(params, dict) or not params.get("pattern"):
        return "missing `pattern`"
    location = str(params.get("location") or "").strip().upper()
    if location in UNSUPPORTED_LOCATIONS:
        return UNSUPPORTED_LOCATIONS[location]
    try:
        compile_java_pattern(str(params["pattern"]))
        annotated = params.get("annotated")
        if isinstance(annotated, dict) and annotated.get("pattern"):
            compile_java_pattern(str(annotated["pattern"]))
    except re.error as exc:
        return f"invalid pattern {params['pattern']!r}: {exc}"
    return ""


def _check_dependency(params: Any) -> str:
    if not isinstance(params, dict) or not (params.get("name") or params.get("nameregex")):
        return "missing `name` or `nameregex`"
    return _check_regex(params, "nameregex", required=False)


def _check_xpath(params: Any, key: str = "xpath") -> str:
    if not isinstance(params, dict) or not params.get(key):
        return f"missing `{key}`"
    namespaces = params.get("namespaces") or {}
    try:
        etree.XPath(str(params[key]), namespaces={str(k): str(v) for k, v in namespaces.items()})
    except (etree.XPathError, TypeError, ValueError) as exc:
        return f"invalid XPath {params[key]!r}: {exc}"
    return ""


def _check_xml_public_id(params: Any) -> str:
    return _check_regex(params, "regex")


def _check_has_tags(params: Any) -> str:
    return "" if isinstance(params, list) and params else "hasTags needs a list of tags"


_CHECKS: dict[str, Callable[[Any], str]] = {
    "java.referenced": _check_java_referenced,
    "java.dependency": _check_dependency,
    "builtin.filecontent": lambda p: _check_regex(p, "pattern"),
    "builtin.file": lambda p: _check_regex(p, "pattern"),
    "builtin.xml": _check_xpath,
    "builtin.xmlPublicID": _check_xml_public_id,
    "builtin.json": _check_xpath,
    "builtin.hasTags": _check_has_tags,
}


class ConditionBuilder:
    """Builds condition trees, numbering every leaf of every rule in one sequence."""

    def __init__(self) -> None:
        self.leaves: list[Leaf] = []

    def condition(self, data: dict[str, Any]) -> Condition:
        chain = {
            "as_": str(data.get("as") or ""),
            "from_": str(data.get("from") or ""),
            "ignore": bool(data.get("ignore")),
            "negated": bool(data.get("not")),
        }
        keys = [k for k in data if k not in CHAIN_KEYS]
        for kind in ("and", "or"):
            if kind in data:
                children = tuple(
                    self.condition(item) if isinstance(item, dict) else self._broken(item)
                    for item in data[kind] or ()
                )
                return Group(kind, children, **chain)  # type: ignore[arg-type]
        if len(keys) != 1:
            return self._leaf(
                "", "", data, f"expected one condition, found {keys or 'none'}", chain
            )
        name = keys[0]
        provider, _, capability = name.partition(".")
        params = data[name]
        check = _CHECKS.get(name)
        if check is None:
            reason = f"condition {name} is not supported (no {provider or name} provider)"
            if provider in ("java", "builtin"):
                reason = f"condition {name} is not supported"
        else:
            reason = "" if _templated(params) else check(params)
        return self._leaf(provider, capability, params, reason, chain)

    def _broken(self, item: Any) -> Leaf:
        return self._leaf("", "", item, "a condition must be a mapping", {})

    def _leaf(
        self, provider: str, capability: str, params: Any, reason: str, chain: dict[str, Any]
    ) -> Leaf:
        leaf = Leaf(len(self.leaves), provider, capability, params, unsupported=reason, **chain)
        self.leaves.append(leaf)
        return leaf


def _templated(params: Any) -> bool:
    """A condition whose required fields come from a chain is checked when it runs."""
    if not isinstance(params, dict):
        return False
    return any(_is_template(v) for k, v in params.items() if k != "filepaths")
