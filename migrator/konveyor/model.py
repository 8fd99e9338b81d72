"""Konveyor rules as plain, frozen values: rule sets, rules and their `when` condition trees.

The loader builds these from a user's copy of Konveyor's rule YAML; the evaluator runs them. Every
value here pickles, so a rule tree travels to worker processes unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

Category = Literal["mandatory", "optional", "potential"]


@dataclass(frozen=True)
class Link:
    url: str
    title: str = ""


@dataclass(frozen=True)
class CustomVariable:
    """A regex run on an incident's line; its first (or `group`) group becomes a variable."""

    name: str
    pattern: re.Pattern[str]
    default: str = ""
    group: str = ""


@dataclass(frozen=True)
class Leaf:
    """One provider condition (`java.referenced`, `builtin.xml`, ...), numbered within its rule set.

    `params` is the condition's mapping as written (a list for `builtin.hasTags`). `unsupported`
    says why the engine cannot evaluate it; such a leaf never matches and its rule reports an error.
    """

    index: int
    provider: str
    capability: str
    params: Any
    as_: str = ""
    from_: str = ""
    ignore: bool = False
    negated: bool = False
    unsupported: str = ""

    @property
    def name(self) -> str:
        return f"{self.provider}.{self.capability}"

    def param(self, key: str, default: Any = None) -> Any:
        if isinstance(self.params, Mapping):
            return self.params.get(key, default)
        return default


@dataclass(frozen=True)
class Group:
    """`and` / `or` over child conditions; chaining keys may sit on a group too."""

    kind: Literal["and", "or"]
    children: tuple[Condition, ...]
    as_: str = ""
    from_: str = ""
    ignore: bool = False
    negated: bool = False


Condition = Leaf | Group


@dataclass(frozen=True)
class Rule:
    id: str
    ruleset: str
    when: Condition
    source: str  # "path:line" of the rule
    description: str = ""
    message: str | None = None
    category: Category | None = None
    effort: int | None = None
    labels: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    tags: tuple[str, ...] = ()
    custom_variables: tuple[CustomVariable, ...] = ()

    @property
    def is_tagging(self) -> bool:
        return bool(self.tags)

    def leaves(self) -> list[Leaf]:
        return list(iter_leaves(self.when))

    def unsupported(self) -> list[Leaf]:
        return [leaf for leaf in self.leaves() if leaf.unsupported]


@dataclass(frozen=True)
class RuleSet:
    """One Konveyor rule set: a folder with a `ruleset.yaml` (or a lone rules file)."""

    name: str
    path: str
    description: str = ""
    labels: tuple[str, ...] = ()
    rules: tuple[Rule, ...] = ()


@dataclass(frozen=True)
class Catalogue:
    """Every loaded Konveyor rule set, with the leaves of all rules numbered in one sequence."""

    rulesets: tuple[RuleSet, ...] = ()
    leaves: tuple[Leaf, ...] = field(default=())
    digest: str = ""  # of the rule files' bytes: the scan cache keys on it

    def rules(self) -> list[Rule]:
        return [rule for ruleset in self.rulesets for rule in ruleset.rules]

    def __bool__(self) -> bool:
        return bool(self.rulesets)

    def only(self, rule_ids: list[str]) -> Catalogue:
        """The same catalogue with just the rules `rule_ids` names (a rule test loads no more)."""
        wanted = set(rule_ids)
        rulesets = tuple(
            replace(rs, rules=tuple(r for r in rs.rules if r.id in wanted)) for rs in self.rulesets
        )
        leaves = tuple(leaf for rs in rulesets for rule in rs.rules for leaf in rule.leaves())
        return Catalogue(rulesets, leaves, self.digest + ":" + ",".join(sorted(wanted)))


def iter_leaves(condition: Condition) -> list[Leaf]:
    if isinstance(condition, Leaf):
        return [condition]
    return [leaf for child in condition.children for leaf in iter_leaves(child)]
