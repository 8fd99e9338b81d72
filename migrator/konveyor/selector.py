"""Konveyor's `--label-selector`: boolean expressions over rule labels.

`konveyor.io/target=jakarta-ee && !konveyor.io/source=eap6`, with `||`, `!` and parentheses. A term
`key` matches any value of that key; `key=value` matches a rule label with that value, a rule
label with no value (`konveyor.io/source`), or a versioned one by range (`eap8+` covers `eap9`,
`openjdk11-` covers `openjdk8`). `konveyor.io/include=always|never` on a rule overrides the
selector. A rule set's labels count as every one of its rules' labels.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from migrator.errors import UsageError
from migrator.konveyor.versions import parse_version

INCLUDE_LABEL = "konveyor.io/include"
_TOKEN = re.compile(r"\s*(\(|\)|!|&&|\|\||[^!()&|\s][^!()&|]*)")
_VERSIONED = re.compile(r"(\d(?:[\d.]*\d)?)([+-])?$")


def parse_labels(labels: Iterable[str]) -> dict[str, list[str]]:
    """`key=value` strings into key -> values (a bare `key` has the value "")."""
    out: dict[str, list[str]] = {}
    for label in labels:
        key, _, value = label.strip().partition("=")
        out.setdefault(key.strip(), []).append(value.strip())
    return out


def value_matches(rule_value: str, wanted: str) -> bool:
    """Whether a rule's label value (maybe a range like `eap8+`) covers the selector's value."""
    if rule_value == "":
        return True
    ranged = _VERSIONED.search(rule_value)
    if ranged is None:
        return rule_value == wanted
    name = rule_value[: ranged.start()]
    candidate = _VERSIONED.search(wanted)
    if candidate is None:
        return name == wanted
    if name != wanted[: candidate.start()]:
        return False
    have, want = parse_version(ranged.group(1)), parse_version(candidate.group(1))
    if have is None or want is None:
        return ranged.group(1) == candidate.group(1)
    if ranged.group(2) == "+":
        return want >= have
    if ranged.group(2) == "-":
        return want <= have
    return want == have


@dataclass(frozen=True)
class _Term:
    key: str
    value: str

    def evaluate(self, labels: dict[str, list[str]]) -> bool:
        values = labels.get(self.key)
        if values is None:
            return False
        return self.value == "" or any(value_matches(v, self.value) for v in values)


@dataclass(frozen=True)
class _Not:
    operand: _Node

    def evaluate(self, labels: dict[str, list[str]]) -> bool:
        return not self.operand.evaluate(labels)


@dataclass(frozen=True)
class _Binary:
    operator: str
    left: _Node
    right: _Node

    def evaluate(self, labels: dict[str, list[str]]) -> bool:
        if self.operator == "&&":
            return self.left.evaluate(labels) and self.right.evaluate(labels)
        return self.left.evaluate(labels) or self.right.evaluate(labels)


_Node = _Term | _Not | _Binary


class _Parser:
    def __init__(self, expression: str) -> None:
        self.expression = expression
        self.tokens = [t.strip() for t in _TOKEN.findall(expression) if t.strip()]
        if "".join("".join(self.tokens).split()) != "".join(expression.split()):
            self.fail()
        self.position = 0

    def fail(self) -> None:
        raise UsageError(
            f"invalid label selector {self.expression!r}",
            hint="use labels joined by &&, || and !, e.g. "
            "'konveyor.io/target=quarkus && !konveyor.io/source=eap6'",
        )

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            self.fail()
        self.position += 1
        return str(token)

    def parse(self) -> _Node:
        node = self.disjunction()
        if self.peek() is not None:
            self.fail()
        return node

    def disjunction(self) -> _Node:
        node = self.conjunction()
        while self.peek() == "||":
            self.take()
            node = _Binary("||", node, self.conjunction())
        return node

    def conjunction(self) -> _Node:
        node = self.unary()
        while self.peek() == "&&":
            self.take()
            node = _Binary("&&", node, self.unary())
        return node

    def unary(self) -> _Node:
        token = self.take()
        if token == "!":
            return _Not(self.unary())
        if token == "(":
            node = self.disjunction()
            if self.take() != ")":
                self.fail()
            return node
        if token in (")", "&&", "||"):
            self.fail()
        key, _, value = token.partition("=")
        return _Term(key.strip(), value.strip())


@dataclass(frozen=True)
class LabelSelector:
    """A parsed selector; `matches(labels)` says whether a rule with those labels runs."""

    expression: str
    root: _Node

    def matches(self, labels: Iterable[str]) -> bool:
        parsed = parse_labels(labels)
        include = parsed.get(INCLUDE_LABEL, [])
        if include and include[0] in ("always", "never"):
            return include[0] == "always"
        return self.root.evaluate(parsed)


def parse_selector(expression: str) -> LabelSelector:
    """Parse `expression`; raises `UsageError` naming it when it is malformed."""
    return LabelSelector(expression, _Parser(expression).parse())
